// Streams the `data` field of a multipart/form-data body into a file, counting bytes as they go,
// so a 64 MB part costs a few buffers of memory rather than 64 MB.
import { createWriteStream, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { ApiError } from '#server/lib/api-error.ts';
import { requestMessages, uploadRuleMessages } from './openai-errors.ts';

export interface ReceivePartOptions {
  body: ReadableStream<Uint8Array> | null;
  contentType: string | undefined;
  /** The file the part's bytes are written to; removed again if the part is refused. */
  destination: string;
  maxBytes: number;
}

/**
 * Resolves with the part's size in bytes. Rejects with a 400 or 413 ApiError for a bad request,
 * or with the underlying error when the bytes cannot be stored (a 500 for the client).
 */
export async function receivePart({ body, contentType, destination, maxBytes }: ReceivePartOptions): Promise<number> {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) {
    throw new ApiError(400, requestMessages.invalidContentType(contentType || 'none', 'multipart/form-data'));
  }
  let parser: busboy.Busboy;
  try {
    // Busboy reports a field that *reaches* its limit, so the limit sits one byte past the largest allowed part.
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: maxBytes + 1, fieldSize: maxBytes + 1 } });
  } catch (error) {
    throw malformed(error);
  }
  // Hono types the body as the DOM ReadableStream; at runtime it is Node's own.
  const source = body ? Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>) : Readable.from([]);

  return new Promise<number>((resolve, reject) => {
    let saving: { stream: Readable | null; done: Promise<void>; size: number } | undefined;
    let settled = false;

    /**
     * Refuses the part. A small mistake (a stray field) lets the rest of the body flow through the
     * parser, so the keep-alive connection stays usable. An oversized part stops reading at once
     * (it may be gigabytes); its 413 then closes the connection, as the unread rest is still on it.
     */
    const fail = (error: Error, stopReading = false) => {
      if (settled) return;
      settled = true;
      if (stopReading) {
        source.unpipe(parser);
        // With an error: a stream destroyed without one can leave pipeline() waiting forever.
        saving?.stream?.destroy(error);
      }
      const written = saving?.done ?? Promise.resolve();
      void written
        .catch(() => undefined)
        .then(() => {
          rmSync(destination, { force: true });
          reject(error);
        });
    };
    const save = (stream: Readable | null, done: Promise<void>, size: number) => {
      saving = { stream, done, size };
      done.catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
      return saving;
    };
    const tooLarge = () =>
      fail(new ApiError(413, uploadRuleMessages.partTooLarge(maxBytes), { code: 'part_too_large', headers: CLOSE }), true);
    const unexpected = (name: string) =>
      new ApiError(400, name === 'data' ? uploadRuleMessages.duplicateData : requestMessages.unrecognizedArgument(name), {
        param: name,
      });

    parser.on('file', (name, stream) => {
      if (settled || name !== 'data' || saving) {
        stream.resume(); // unread, it would stall the parser
        if (!settled) fail(unexpected(name));
        return;
      }
      const file = save(stream, writeToFile(stream, destination), 0);
      stream.on('data', (chunk: Buffer) => (file.size += chunk.length));
      stream.on('limit', tooLarge);
    });
    // curl's `-F data=...` sends the part as a plain field, which busboy buffers and hands over whole.
    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (name !== 'data' || saving) return fail(unexpected(name));
      if (info.valueTruncated) return tooLarge();
      save(null, writeFile(destination, value), Buffer.byteLength(value));
    });
    // The parser stops at its first error, so the rest of the body goes unread here as well.
    parser.on('error', (error) => fail(malformed(error), true));
    source.on('error', (error) => fail(malformed(error), true));
    parser.on('close', () => {
      if (!saving) {
        return fail(new ApiError(400, requestMessages.missingParameter('data'), { param: 'data', code: 'missing_required_parameter' }));
      }
      const file = saving;
      file.done.then(
        () => {
          if (settled) return;
          settled = true;
          resolve(file.size);
        },
        () => undefined, // handled in save()
      );
    });
    source.pipe(parser);
  });
}

/**
 * pipeline() settles on a source error before a still-opening file stream has closed; waiting for
 * that close means the caller's cleanup cannot run before the file appears on disk.
 */
async function writeToFile(stream: Readable, destination: string): Promise<void> {
  const file = createWriteStream(destination);
  try {
    await pipeline(stream, file);
  } catch (error) {
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
    throw error;
  }
}

/** Sent with a refusal that leaves part of the body unread: the connection cannot carry another request. */
const CLOSE = { connection: 'close' };

function malformed(error: unknown): ApiError {
  const text = error instanceof Error ? error.message : String(error);
  return new ApiError(400, uploadRuleMessages.malformedMultipart(text.replace(/\.$/, '').toLowerCase()), { headers: CLOSE });
}
