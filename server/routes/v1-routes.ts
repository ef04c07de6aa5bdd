// The OpenAI-compatible pass-through: any OpenAI SDK pointed at `<proxy>/v1` creates, fills,
// completes and cancels uploads here exactly as against OpenAI, and every object that comes
// back is recorded so the dashboard can list it.
import { Readable } from 'node:stream';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { UploadClient } from '#contract/dashboard-api.ts';
import { MAX_UPLOAD_PART_BYTES, uploadPartSchema, uploadSchema, UPLOAD_ID_PATTERN } from '#contract/uploads.ts';
import { recordPassThroughCancel } from '#server/cancel/record-pass-through-cancel.ts';
import { ApiError, quote } from '#server/lib/api-error.ts';
import { clientIdentity } from '#server/lib/client-identity.ts';
import type { ChangeFeed } from '#server/lib/change-feed.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import { MalformedPartError, maxPartBodyBytes, PartCounter, PartTooLargeError } from '#server/lib/part-counter.ts';
import type { AttemptLimiter } from '#server/lib/attempt-limiter.ts';
import { checkToken } from '#server/lib/token-guard.ts';
import { serveV1Description } from '#server/openapi/serve-description.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import type { ForwardResponse, UpstreamClient } from '#server/upstream/openai-client.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';

export const MAX_PART_BYTES = MAX_UPLOAD_PART_BYTES;
const MAX_JSON_BYTES = 1024 * 1024;
/** Large parts on slow links take a while; the JSON operations keep the normal timeout. */
const PART_TIMEOUT_MS = 10 * 60 * 1000;

export interface V1Deps {
  clock: Clock;
  store: UploadStore;
  upstream: UpstreamClient;
  feed: ChangeFeed;
  /** Finds the client a token belongs to (constant time), or null. */
  findClient: (token: string) => string | null;
  /** Failed token attempts per client address (shared by the replicas on PostgreSQL). */
  limiter: AttemptLimiter;
  log: Logger;
  maxPartBytes?: number;
}

interface V1Env {
  Bindings: Partial<HttpBindings>;
  Variables: { client: string };
}

type Operation = 'create' | 'parts' | 'complete' | 'cancel';

/** Client headers worth passing on; auth, cookies, hop-by-hop and org/project headers are not. */
function forwardedHeaders(c: Context<V1Env>): Record<string, string> {
  const headers: Record<string, string> = {};
  const keep = (value: string, name: string) => {
    if (name === 'user-agent' || name === 'idempotency-key' || name === 'content-type' || name === 'accept' || name.startsWith('x-stainless-')) {
      headers[name] = value;
    }
  };
  // On Node, Node's own parsed headers (lower-case names): reading c.req.raw would build a web Request per call.
  const incoming = c.env?.incoming;
  if (incoming instanceof Readable) for (const [name, value] of Object.entries(incoming.headers)) keep(Array.isArray(value) ? value.join(', ') : (value ?? ''), name);
  else c.req.raw.headers.forEach(keep);
  return headers;
}

export function v1Routes(deps: V1Deps) {
  const maxPartBytes = deps.maxPartBytes ?? MAX_PART_BYTES;
  const app = new Hono<V1Env>();

  // Public, as OpenAI's own spec is: it describes the four operations and nothing of this console's
  // tokens or data, and SDK generators and API tools can read it before they are given a token.
  app.get('/openapi.json', serveV1Description({ maxPartBytes }));

  // Clients authenticate with a client token; nothing reaches the upstream without one.
  app.use(async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      throw new ApiError(401, "You didn't provide a client token. Send it as `Authorization: Bearer <client token>`; the Uploads Console operator can give you one.");
    }
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
    const client = await checkToken(c, deps.limiter, match?.[1] ?? '', deps.findClient);
    if (!client) throw new ApiError(401, 'Incorrect client token provided. Use a client token issued by the Uploads Console operator (not an OpenAI API key).', { code: 'invalid_api_key' });
    c.set('client', client);
    await next();
  });

  const uploadPath = (c: Context, action: Operation) => {
    const id = c.req.param('upload_id') ?? '';
    if (!UPLOAD_ID_PATTERN.test(id)) {
      throw new ApiError(404, `No such Upload object: ${quote(id, 64).slice(1, -1)} (upload ids look like upload_abc123).`, { param: 'upload_id' });
    }
    return `/uploads/${id}/${action}`;
  };

  // The rest of a too-large body is still on the wire: close the connection so it is not reused.
  const jsonTooLarge = () => new ApiError(413, `The request body is larger than ${MAX_JSON_BYTES} bytes.`, { headers: { connection: 'close' } });
  async function jsonBody(c: Context<V1Env>): Promise<Buffer | null> {
    const incoming = c.env?.incoming;
    // On Node the body is read from the socket's stream, up to the limit (chunked bodies included),
    // without building a web Request and its stream for every call; a cancel's empty body is not read at all.
    if (incoming instanceof Readable) return await readLimited(incoming, MAX_JSON_BYTES, jsonTooLarge);
    // Elsewhere (in-process requests) bodyLimit (below) stops reading past the limit.
    const body = Buffer.from(await c.req.arrayBuffer());
    return body.length ? body : null;
  }
  const honoJsonLimit = bodyLimit({
    maxSize: MAX_JSON_BYTES,
    onError: () => {
      throw jsonTooLarge();
    },
  });
  const jsonLimit = (c: Context<V1Env>, next: () => Promise<void>) => (c.env?.incoming instanceof Readable ? next() : honoJsonLimit(c, next));

  async function relay(c: Context<V1Env>, operation: Operation, path: string, body: Buffer | Readable | null, counter?: PartCounter, extraHeaders: Record<string, string> = {}) {
    // Only a streamed part can be cut short by us (too large); JSON calls need no abort signal.
    const abort = counter ? new AbortController() : null;
    if (counter && abort) counter.on('error', (error) => abort.abort(error));
    let response: ForwardResponse;
    try {
      response = await deps.upstream.forward({
        path,
        headers: { ...forwardedHeaders(c), ...extraHeaders },
        body,
        ...(abort ? { signal: abort.signal } : {}),
        ...(operation === 'parts' ? { timeoutMs: PART_TIMEOUT_MS } : {}),
      });
    } catch (error) {
      const refused = partRefusal(error, maxPartBytes);
      if (refused) throw refused;
      // The client's own body broke off (it went away mid-part): nothing failed here.
      if (!(error instanceof UpstreamError) && abort?.signal.aborted) throw new ApiError(400, 'The request body ended early: the client closed the connection mid-part.', { param: 'data', headers: { connection: 'close' } });
      throw error;
    }
    const client = clientIdentity(c.get('client'), c.req.raw.headers);
    if (operation === 'cancel') await recordPassThroughCancel(deps, { uploadId: path.split('/')[2]!, client, response });
    else if (response.status >= 200 && response.status < 300) await record(operation, response, counter?.dataBytes ?? 0, client);
    if (response.status === 401 || response.status === 403) {
      // The upstream rejected the proxy's own key; the client's token was fine, so do not say 401.
      throw UpstreamError.answered(response.status, response.body.toString('utf8'), response.headers['x-request-id'] ?? null, {});
    }
    return new Response(new Uint8Array(response.body), { status: response.status, headers: response.headers });
  }

  async function record(operation: Exclude<Operation, 'cancel'>, response: ForwardResponse, partBytes: number, client: UploadClient) {
    const at = unixSeconds(deps.clock);
    try {
      const json: unknown = JSON.parse(response.body.toString('utf8'));
      const record =
        operation === 'parts'
          ? await deps.store.recordPart(uploadPartSchema.parse(json), partBytes, at)
          : await deps.store.recordUpload(uploadSchema.parse(json), { at, via: operation, client, actor: `client:${client.name}` });
      if (record) deps.feed.emit('upload', record);
    } catch (error) {
      // The client's call succeeded upstream: failing to record it must not fail it.
      deps.log.error('could not record an upstream answer', { operation, error: String(error) });
    }
  }

  app.post('/uploads', jsonLimit, async (c) => relay(c, 'create', '/uploads', await jsonBody(c)));
  app.post('/uploads/:upload_id/complete', jsonLimit, async (c) => relay(c, 'complete', uploadPath(c, 'complete'), await jsonBody(c)));
  app.post('/uploads/:upload_id/cancel', jsonLimit, async (c) => relay(c, 'cancel', uploadPath(c, 'cancel'), await jsonBody(c)));
  app.post('/uploads/:upload_id/parts', async (c) => {
    const path = uploadPath(c, 'parts');
    const length = Number(c.req.header('content-length') ?? NaN);
    // Refuse an oversized part before the upstream is bothered, when the client says its size.
    if (length > maxPartBodyBytes(maxPartBytes)) throw partTooLarge(maxPartBytes);
    const contentType = c.req.header('content-type') ?? '';
    // Not multipart/form-data with a boundary: refused here, like OpenAI does, as it could not be counted.
    let counter: PartCounter;
    try {
      counter = new PartCounter(contentType, maxPartBytes);
    } catch (error) {
      throw partRefusal(error, maxPartBytes) ?? error;
    }
    // On Node the raw request streams straight through; elsewhere (in-process tests) the web stream does.
    const incoming = c.env?.incoming;
    const source = incoming instanceof Readable ? incoming : c.req.raw.body ? Readable.fromWeb(c.req.raw.body as import('node:stream/web').ReadableStream) : null;
    if (!source) throw new ApiError(400, "Missing required parameter: 'data'.", { param: 'data' });
    source.on('error', (error) => counter.destroy(error));
    // The body goes on byte for byte, so its length does too: the upstream reads a sized body, not chunked framing.
    const sized: Record<string, string> = Number.isSafeInteger(length) && length >= 0 ? { 'content-length': String(length) } : {};
    return relay(c, 'parts', path, source.pipe(counter), counter, sized);
  });
  app.all('*', (c) => {
    throw new ApiError(404, `Invalid URL (${c.req.method} ${c.req.path})`);
  });
  return app;
}

/** The whole body of a Node request, at most `limit` bytes (else `tooLarge()` is thrown), or null when empty. */
async function readLimited(incoming: Readable & { headers?: Record<string, string | string[] | undefined> }, limit: number, tooLarge: () => Error): Promise<Buffer | null> {
  const declared = incoming.headers?.['content-length'];
  if (declared !== undefined && incoming.headers?.['transfer-encoding'] === undefined) {
    if (Number(declared) > limit) throw tooLarge();
    if (Number(declared) === 0) return null;
  }
  // Listeners rather than for-await: leaving an async iterator early destroys the socket, and the 413 must still go out.
  return await new Promise<Buffer | null>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (settle: () => void) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        // Stop reading; the answer closes the connection.
        incoming.pause();
        done(() => reject(tooLarge()));
      }
    };
    const onEnd = () => done(() => resolve(size ? Buffer.concat(chunks, size) : null));
    const onError = (error: Error) => done(() => reject(error));
    const onClose = () => done(() => reject(new Error('The client closed the connection before the body ended.')));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** The client's answer for a part body the counter refuses (PartTooLargeError, MalformedPartError), or null for another error. */
function partRefusal(error: unknown, limit: number): ApiError | null {
  if (error instanceof PartTooLargeError) return partTooLarge(limit);
  // The rest of the body is still on the wire, unread: close the connection so it is not reused.
  if (error instanceof MalformedPartError) return new ApiError(400, error.message, { headers: { connection: 'close' } });
  return null;
}

function partTooLarge(limit: number): ApiError {
  return new ApiError(413, `The part is too large: each part can be at most ${limit / (1024 * 1024)} MB (${limit} bytes).`, { param: 'data', code: 'part_too_large' });
}

