// Counts the bytes of a multipart part's `data` field while the raw body streams on, untouched,
// to the upstream. Nothing is buffered or copied: each chunk is searched for the next boundary
// with Buffer#indexOf (native) and passed on as it came. Only a boundary split across two chunks
// (or a part's headers, a few hundred bytes) is held back between chunks: well under 1 kB.
import { PassThrough, type TransformCallback } from 'node:stream';
import { invalidContentTypeMessage, malformedMultipartMessage } from '#contract/uploads.ts';

export class PartTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The part is larger than ${limit} bytes.`);
  }
}

/** A body that is not the multipart/form-data form a part is sent in; the message is the client's answer (a 400). */
export class MalformedPartError extends Error {}

/** Room for the multipart boundaries and headers around a full-size part. */
export const MULTIPART_OVERHEAD = 64 * 1024;

/** The most a whole part request's body may take: the largest part and room for the form around it. */
export const maxPartBodyBytes = (limit: number) => limit + MULTIPART_OVERHEAD;

/** Chunks queued inside the counter before the client is paused: flat in part size, few pauses. */
const HIGH_WATER_MARK = 1024 * 1024;

/**
 * Passes a part request's body on while counting its `data` bytes. Fails the stream with
 * PartTooLargeError past the part limit (or when the whole body outgrows maxPartBodyBytes: a huge
 * preamble, epilogue or other field), and with MalformedPartError for a form it cannot read, so
 * no body ever streams on uncounted. The constructor throws MalformedPartError for a content type
 * that is not multipart/form-data with a boundary: nothing of such a body is forwarded.
 */
export class PartCounter extends PassThrough {
  /** Bytes of the `data` field seen so far. */
  dataBytes = 0;
  /** Bytes of the whole body seen so far. */
  private bodyBytes = 0;
  private readonly parser: MultipartDataCounter;

  constructor(contentType: string, readonly limit: number) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.parser = new MultipartDataCounter(partBoundary(contentType));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bodyBytes += chunk.length;
    try {
      this.dataBytes += this.parser.write(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    // One byte over the limit is enough to know it is too large.
    if (this.dataBytes > this.limit || this.bodyBytes > maxPartBodyBytes(this.limit)) {
      callback(new PartTooLargeError(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

/** The boundary of a part request's content type; throws MalformedPartError when it has none (the client is told why). */
export function partBoundary(contentType: string): string {
  const boundary = multipartBoundary(contentType);
  if (boundary !== null) return boundary;
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'multipart/form-data') {
    throw new MalformedPartError(invalidContentTypeMessage(contentType || 'none', 'multipart/form-data'));
  }
  throw malformed('the Content-Type header names no boundary (boundary=, 1 to 70 characters)');
}

/** The boundary of a multipart/form-data content type (quoted or not), or null. */
export function multipartBoundary(contentType: string): string | null {
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') return null;
  for (const param of params) {
    const match = /^\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s";]{1,70}))\s*$/i.exec(param);
    if (match) return match[1] ?? match[2]!;
  }
  return null;
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
/** A part's headers longer than this are not a form part (they are a line or two): the body is refused. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * A streaming multipart/form-data scanner (RFC 7578) that reports how many body bytes of the
 * parts named `data` each chunk holds. A part's body ends at CRLF "--" boundary; the first boundary
 * may open the body without the CRLF, so the scan starts as if one came before it. A line after a
 * boundary or a header block longer than MAX_HEADER_BYTES throws MalformedPartError.
 */
export class MultipartDataCounter {
  private readonly delimiter: Buffer;
  private state: State = 'preamble';
  /** Bytes held back from the previous chunk: a possible start of the delimiter, or unfinished headers. */
  private carry: Buffer = CRLF;
  private isData = false;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** Scans the next chunk; returns the `data` bytes in it (and in what was held back before it). */
  write(chunk: Buffer): number {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = EMPTY;
    let counted = 0;
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'preamble':
        case 'body': {
          const at = buf.indexOf(this.delimiter, pos);
          if (at >= 0) {
            if (this.state === 'body' && this.isData) counted += at - pos;
            pos = at + this.delimiter.length;
            this.state = 'delimiter';
            continue;
          }
          const partial = this.partialDelimiterAt(buf, pos);
          if (this.state === 'body' && this.isData) counted += partial - pos;
          this.carry = Buffer.from(buf.subarray(partial));
          return counted;
        }
        case 'delimiter': {
          // After a boundary: "--" closes the body; otherwise (transport padding aside) CRLF starts a part.
          if (buf.length - pos < 2) return this.hold(buf, pos, counted);
          if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) {
            this.state = 'done';
            return counted;
          }
          const eol = buf.indexOf(CRLF, pos);
          if ((eol < 0 ? buf.length : eol) - pos > MAX_HEADER_BYTES) throw malformed(`the line after a boundary is longer than ${MAX_HEADER_BYTES} bytes`);
          if (eol < 0) return this.hold(buf, pos, counted);
          pos = eol + 2;
          this.state = 'headers';
          continue;
        }
        case 'headers': {
          if (buf.length - pos < 2) return this.hold(buf, pos, counted);
          // An empty header block: a part without a name, its body starting at once.
          if (buf[pos] === 0x0d && buf[pos + 1] === 0x0a) {
            pos += 2;
            this.isData = false;
            this.state = 'body';
            continue;
          }
          const end = buf.indexOf(HEADERS_END, pos);
          if ((end < 0 ? buf.length : end) - pos > MAX_HEADER_BYTES) throw malformed(`a part's headers are longer than ${MAX_HEADER_BYTES} bytes`);
          if (end < 0) return this.hold(buf, pos, counted);
          this.isData = partName(buf.toString('latin1', pos, end)) === 'data';
          pos = end + HEADERS_END.length;
          this.state = 'body';
          continue;
        }
        case 'done':
          return counted;
      }
    }
    return counted;
  }

  /** Where a prefix of the delimiter that the chunk ends with begins (the chunk's length if none). */
  private partialDelimiterAt(buf: Buffer, from: number): number {
    const start = Math.max(from, buf.length - this.delimiter.length + 1);
    for (let at = buf.indexOf(0x0d, start); at >= 0; at = buf.indexOf(0x0d, at + 1)) {
      if (this.delimiter.compare(buf, at, buf.length, 0, buf.length - at) === 0) return at;
    }
    return buf.length;
  }

  private hold(buf: Buffer, pos: number, counted: number): number {
    this.carry = Buffer.from(buf.subarray(pos));
    return counted;
  }
}

const EMPTY = Buffer.alloc(0);

const malformed = (problem: string) => new MalformedPartError(malformedMultipartMessage(problem));

/** The `name` of a part from its headers' Content-Disposition, or null. */
function partName(headers: string): string | null {
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const match = /;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/i.exec(line.slice(colon + 1));
    return match ? (match[1] ?? match[2]!) : null;
  }
  return null;
}
