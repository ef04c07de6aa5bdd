// Builds the whole HTTP app from its dependencies; it never listens (server/index.ts does).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Session } from '#contract/dashboard-api.ts';
import { errorEnvelope } from '#contract/uploads.ts';
import type { AppEnv } from './app-env.ts';
import { FailedAttemptLimiter } from './lib/rate-limit.ts';
import { lookUpToken } from './lib/token-guard.ts';
import { ApiError } from './lib/api-error.ts';
import type { OperatorDirectory } from './lib/auth.ts';
import type { Clock } from './lib/clock.ts';
import { consoleLogger, type Logger } from './lib/logger.ts';
import { operatorFor, sessionRoutes, startSession, type SessionDeps } from './routes/session-routes.ts';
import { staticRoutes } from './routes/static-routes.ts';
import { uploadRoutes } from './routes/upload-routes.ts';
import { v1Routes } from './routes/v1-routes.ts';
import type { UploadStore } from './store/upload-store.ts';
import type { UpstreamClient } from './upstream/openai-client.ts';
import { BulkCancelRunner } from './cancel/bulk-cancel-runner.ts';
import { ChangeFeed } from './lib/change-feed.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { bulkRoutes } from './routes/bulk-routes.ts';
import { eventRoutes } from './routes/events-routes.ts';

export interface AppDeps {
  clock: Clock;
  store: UploadStore;
  upstream: UpstreamClient;
  operators: OperatorDirectory;
  /** Finds the pass-through client a token belongs to (constant time), or null. */
  findClient: (token: string) => string | null;
  /** Largest part the pass-through accepts (64 MB, as OpenAI). */
  maxPartBytes?: number;
  /** Where changes are announced to live dashboards (default: a new one). */
  feed?: ChangeFeed;
  /** Runs bulk cancels; the caller that passes one also resumes and stops it (default: a new one, 8 at once). */
  runner?: BulkCancelRunner;
  /** Seconds without a part after which a pending upload counts as stuck (default 600); must match the store's. */
  stuckAfterSeconds?: number;
  upstreamMode: Session['upstream'];
  /** The built dashboard (dist/); null serves the API only. */
  staticDir?: string | null;
  log?: Logger;
  /**
   * The origin browsers use to reach the console (e.g. https://console.example.com) when it sits
   * behind a TLS-terminating proxy; the CSRF check compares against it, and over https the session
   * cookie is marked Secure. Unset: the origin of each request as Node sees it.
   */
  publicOrigin?: string | null;
}

/** Header the dashboard sends on every state-changing request; cross-site forms cannot set it. */
export const CSRF_HEADER = 'x-requested-with';

export function createApp(deps: AppDeps) {
  const log = deps.log ?? consoleLogger;
  const sessionDeps: SessionDeps = {
    clock: deps.clock,
    operators: deps.operators,
    upstreamMode: deps.upstreamMode,
    secureCookies: deps.publicOrigin?.startsWith('https:') ?? false,
    stuckAfterSeconds: deps.stuckAfterSeconds ?? 600,
    limiter: new FailedAttemptLimiter(),
  };
  const feed = deps.feed ?? new ChangeFeed();
  const cancelDeps = { clock: deps.clock, store: deps.store, upstream: deps.upstream, feed, log };
  const runner = deps.runner ?? new BulkCancelRunner(cancelDeps, { concurrency: 8 });
  const app = new Hono<AppEnv>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // sonner injects its stylesheet at run time; scripts stay strictly 'self'.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get('/healthz', (c) => c.json({ ok: true }));

  // The login URL (`/?token=…`): trade the token for a session cookie, then drop it from the address bar.
  app.get('*', async (c, next) => {
    const token = c.req.query('token');
    if (token === undefined || c.req.path.startsWith('/api/') || c.req.path.startsWith('/v1/')) return next();
    let operator;
    try {
      operator = lookUpToken(c, sessionDeps.limiter, token, (t) => deps.operators.findByToken(t));
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) return c.redirect('/login?error=too-many-attempts', 303);
      throw error;
    }
    if (!operator) return c.redirect('/login?error=invalid-token', 303);
    startSession(c, sessionDeps, operator);
    c.header('cache-control', 'no-store');
    // Only a path on this site: `//evil.example/x` would leave it.
    const back = c.req.path === '/login' || !/^\/(?![/\\])/.test(c.req.path) ? '/' : c.req.path;
    return c.redirect(back, 303);
  });

  const api = new Hono<AppEnv>();
  // Past the limit the rest of the body is still on the wire: the connection is closed, not reused.
  api.use(bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiError(413, 'The request body is larger than 64 KB.', { headers: { connection: 'close' } }); } }));
  api.route('/session', sessionRoutes(sessionDeps));
  api.use(async (c, next) => {
    const found = operatorFor(c, sessionDeps);
    if (!found) throw new ApiError(401, 'Not signed in, or the session has ended. Sign in again.', { code: 'not_signed_in' });
    if (found.via === 'cookie' && c.req.method !== 'GET' && c.req.method !== 'HEAD') assertSameOrigin(c.req.raw, deps.publicOrigin ?? null);
    c.set('operator', found.operator);
    c.set('authVia', found.via);
    await next();
  });
  api.route('/uploads', uploadRoutes(cancelDeps));
  api.route('/bulk-cancels', bulkRoutes({ clock: deps.clock, store: deps.store, runner }));
  api.route('/audit', auditRoutes({ store: deps.store }));
  api.route('/events', eventRoutes({ feed }));
  api.all('*', (c) => {
    throw new ApiError(404, `Invalid URL (${c.req.method} ${c.req.path})`);
  });
  app.route('/api', api);
  // Its own count: a client with a stale token must not lock operators out, nor the other way round.
  app.route('/v1', v1Routes({ ...cancelDeps, findClient: deps.findClient, limiter: new FailedAttemptLimiter(), maxPartBytes: deps.maxPartBytes }));

  if (deps.staticDir) app.route('/', staticRoutes(deps.staticDir));

  app.notFound((c) => c.json(errorEnvelope(`Invalid URL (${c.req.method} ${c.req.path})`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.envelope, error.status);
    }
    if (error instanceof HTTPException) {
      return c.json(errorEnvelope(error.message || 'The request could not be handled.'), error.status);
    }
    log.error('unhandled error', { method: c.req.method, path: c.req.path, error: error instanceof Error ? error.stack : String(error) });
    return c.json(errorEnvelope('The server had an error while processing your request. Sorry about that!', 'server_error'), 500);
  });
  return app;
}

/**
 * CSRF: the session cookie is SameSite=Strict, and a cookie-authenticated state change must also
 * carry our custom header (which a cross-site form or simple request cannot set) and, when the
 * browser sends one, an Origin matching the host it was sent to.
 */
function assertSameOrigin(request: Request, publicOrigin: string | null): void {
  if (request.headers.get(CSRF_HEADER) !== 'uploads-console') {
    throw new ApiError(403, `Missing the ${CSRF_HEADER}: uploads-console header that dashboard requests carry.`, { code: 'csrf_rejected' });
  }
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== (publicOrigin ?? new URL(request.url).origin)) {
    throw new ApiError(403, 'Cross-site request refused.', { code: 'csrf_rejected' });
  }
}
