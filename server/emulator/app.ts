// The emulator as a Hono app: OpenAI's four Uploads operations under /v1, plus control endpoints
// under /__emulator for tests and demos. Building the app opens no port (see server.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { errorEnvelope } from '#contract/uploads.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { AdjustableClock, unixSeconds, type Clock } from '#server/lib/clock.ts';
import { consoleLogger, type Logger } from '#server/lib/logger.ts';
import { envelopeForStatus, messages, requestMessages } from './openai-errors.ts';
import { faultRuleSchema, type Fault, type FaultInjector, type FaultOperation } from './faults.ts';
import { newRequestId } from './ids.ts';
import { MAX_JSON_BODY_BYTES, MAX_PART_BYTES } from './policy.ts';
import { parseBody, readJsonBody } from './request-validation.ts';
import type { EmulatorState } from './state.ts';
import { EmulatorStats } from './stats.ts';
import { createUploadOperations } from './upload-operations.ts';

export interface EmulatorDeps {
  clock: Clock;
  apiKey: string;
  state: EmulatorState;
  faults: FaultInjector;
  /** Largest accepted part; tests lower it to reach the 413 without sending 64 MB. */
  maxPartBytes?: number;
  logger?: Logger;
  /** Counters read through GET /__emulator/stats (a fresh set when omitted). */
  stats?: EmulatorStats;
}

/** Under @hono/node-server the Node request is at hand; under `app.request()` it is not. */
type EmulatorEnv = { Bindings: Partial<HttpBindings> };

const clockBody = z.strictObject({ offset_seconds: z.number().min(-1e9).max(1e9) });

export function createEmulatorApp(deps: EmulatorDeps): Hono<EmulatorEnv> {
  const { clock, state, faults, logger = consoleLogger, stats = new EmulatorStats() } = deps;
  const uploads = createUploadOperations({ state, clock, maxPartBytes: deps.maxPartBytes ?? MAX_PART_BYTES });
  const app = new Hono<EmulatorEnv>();

  app.use(stampResponse);
  // OpenAI checks the key before anything else, unknown routes included.
  app.use(requireApiKey(deps.apiKey));

  const faultPoint = (operation: FaultOperation): MiddlewareHandler<EmulatorEnv> =>
    async function applyFault(c, next) {
      const fault = faults.take(operation);
      if (!fault) return next();
      if (fault.delay_ms) await sleep(fault.delay_ms);
      if (fault.reset) return resetConnection(c);
      if (fault.status !== undefined) return faultResponse(c, fault, fault.status);
      return next();
    };
  const jsonBody = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, requestMessages.bodyTooLarge(MAX_JSON_BODY_BYTES));
    },
  });

  app.post('/v1/uploads', faultPoint('create'), jsonBody, async (c) => c.json(uploads.create(await readJsonBody(c))));
  app.post('/v1/uploads/:upload_id/parts', faultPoint('parts'), async (c) =>
    c.json(
      await uploads.addPart(c.req.param('upload_id'), { body: c.req.raw.body, contentType: c.req.header('content-type') }),
    ),
  );
  app.post('/v1/uploads/:upload_id/complete', faultPoint('complete'), jsonBody, async (c) =>
    c.json(await uploads.complete(c.req.param('upload_id'), await readJsonBody(c))),
  );
  // Cancel takes no body: whatever is sent (nothing, `{}`, an empty JSON body) is left unread.
  app.post('/v1/uploads/:upload_id/cancel', stats.countCancel, faultPoint('cancel'), (c) => c.json(uploads.cancel(c.req.param('upload_id'))));

  app.post('/__emulator/faults', jsonBody, async (c) => {
    const rule = faults.add(parseBody(faultRuleSchema, await readJsonBody(c)));
    return c.json({ ok: true, rule });
  });
  app.delete('/__emulator/faults', (c) => {
    faults.clear();
    return c.json({ ok: true });
  });
  app.post('/__emulator/clock', jsonBody, async (c) => {
    const { offset_seconds } = parseBody(clockBody, await readJsonBody(c));
    if (!(clock instanceof AdjustableClock)) throw new ApiError(400, 'This emulator runs on a clock that cannot be moved.');
    clock.setOffsetSeconds(offset_seconds);
    return c.json({ ok: true, offset_seconds, now: unixSeconds(clock) });
  });
  app.get('/__emulator/health', (c) => c.json({ ok: true }));
  app.get('/__emulator/stats', (c) => c.json({ cancels: stats.cancels() }));
  app.delete('/__emulator/stats', (c) => {
    stats.reset();
    return c.json({ ok: true });
  });

  app.notFound((c) => c.json(errorEnvelope(messages.invalidUrl(c.req.method, c.req.path)), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.envelope, error.status, error.headers);
    if (error instanceof HTTPException) return c.json(envelopeForStatus(error.status), error.status);
    // Internals go to the log, never to the client.
    logger.error('emulator: unhandled error', { method: c.req.method, path: c.req.path, error: String(error.stack ?? error) });
    return c.json(envelopeForStatus(500), 500);
  });
  return app;
}

/** Every answer carries the headers OpenAI's do (the SDKs expose `x-request-id`). */
const stampResponse: MiddlewareHandler = async (c, next) => {
  const started = performance.now();
  await next();
  c.res.headers.set('x-request-id', newRequestId());
  c.res.headers.set('openai-processing-ms', String(Math.round(performance.now() - started)));
};

function requireApiKey(apiKey: string): MiddlewareHandler {
  // Compare fixed-length digests so neither the key's length nor its content leaks through timing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(apiKey);
  return async (c, next) => {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!given) throw new ApiError(401, messages.noApiKey);
    if (!timingSafeEqual(digest(given), expected)) {
      throw new ApiError(401, messages.incorrectApiKey(given), { code: 'invalid_api_key' });
    }
    await next();
  };
}

function faultResponse(c: Context, fault: Fault, status: number): Response {
  const envelope = envelopeForStatus(status);
  if (fault.message) envelope.error.message = fault.message;
  const headers: Record<string, string> = {};
  if (fault.retry_after !== undefined) {
    headers['retry-after'] = String(Math.ceil(fault.retry_after));
    headers['retry-after-ms'] = String(Math.round(fault.retry_after * 1000));
  }
  // The fault schema only admits 400..599, all of which carry a body.
  return c.json(envelope, status as ContentfulStatusCode, headers);
}

/** A connection that dies mid-request: the client sees a socket error, never a response. */
function resetConnection(c: Context<EmulatorEnv>): Response {
  const socket = c.env?.incoming?.socket;
  if (!socket) throw new Error('A reset fault needs the Node HTTP server (startEmulator), not app.request().');
  socket.destroy();
  return c.body(null, 500);
}
