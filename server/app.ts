// Builds the whole HTTP app from its dependencies; it never listens, and it makes none of the
// things with a lifecycle (server/console.ts does, and hands them in).
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { Session } from '#contract/dashboard-api.ts';
import { errorEnvelope } from '#contract/uploads.ts';
import type { AppEnv } from './app-env.ts';
import type { BulkCancelRunner } from './cancel/bulk-cancel-runner.ts';
import type { CancelService } from './cancel/cancel-service.ts';
import type { StuckRule } from './domain/stuck-rule.ts';
import { ApiError } from './lib/api-error.ts';
import type { AttemptLimiters } from './lib/attempt-limiter.ts';
import type { OperatorDirectory } from './lib/auth.ts';
import type { ChangeFeed } from './lib/change-feed.ts';
import type { RetentionSettings } from './retention/retention-sweeper.ts';
import type { TrustProxy } from './lib/client-address.ts';
import type { Clock } from './lib/clock.ts';
import { INTERNAL_ERROR, STORE_UNAVAILABLE, toApiError } from './lib/errors.ts';
import { healthRoutes, type Readiness } from './lib/health-routes.ts';
import type { Logger } from './lib/logger.ts';
import type { PolicyService } from './policies/policy-service.ts';
import { clientAddresses } from './lib/token-guard.ts';
import type { ConsoleMetrics } from './metrics/console-metrics.ts';
import { metricsRoutes, passThroughMetrics } from './metrics/metrics-routes.ts';
import { describeApi } from './openapi/api-description.ts';
import { methodNotAllowed } from './openapi/method-not-allowed.ts';
import { serveApiDescription } from './openapi/serve-description.ts';
import { activityRoutes } from './routes/activity-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { bulkRoutes } from './routes/bulk-routes.ts';
import { clientRoutes } from './routes/client-routes.ts';
import { eventRoutes } from './routes/events-routes.ts';
import { policyRoutes } from './routes/policy-routes.ts';
import { loginByUrl, requireOperator, sessionRoutes, type SessionDeps } from './routes/session-routes.ts';
import { staticRoutes } from './routes/static-routes.ts';
import { uploadRoutes } from './routes/upload-routes.ts';
import { v1Routes } from './routes/v1-routes.ts';
import type { UploadStore } from './store/upload-store.ts';
import type { UpstreamClient } from './upstream/openai-client.ts';

export interface AppDeps {
  clock: Clock;
  store: UploadStore;
  upstream: UpstreamClient;
  /** Where changes are announced to live dashboards. */
  feed: ChangeFeed;
  /** Every cancel an operator asks for goes through it. */
  cancels: CancelService;
  /** Runs bulk cancels (its owner resumes and stops it). */
  runner: BulkCancelRunner;
  /** Cleanup policies: what operators do with them (console.ts runs them). */
  policies: PolicyService;
  /** The rule the store applies; the session tells the dashboard its threshold. */
  stuckRule: StuckRule;
  operators: OperatorDirectory;
  /** Finds the pass-through client a token belongs to (constant time), or null. */
  findClient: (token: string) => string | null;
  /** Largest part the pass-through accepts (64 MB, as OpenAI). */
  maxPartBytes?: number | undefined;
  upstreamMode: Session['upstream'];
  /** The built dashboard (dist/); null serves the API only. */
  staticDir: string | null;
  log: Logger;
  /**
   * The origin browsers use to reach the console (e.g. https://console.example.com) when it sits
   * behind a TLS-terminating proxy; the CSRF check compares against it, and over https the session
   * cookie is marked Secure. Null: the origin of each request as Node sees it.
   */
  publicOrigin: string | null;
  /** Failed token attempts, per client address (in memory, or shared by the replicas). */
  limiters: AttemptLimiters;
  /** The proxies whose X-Forwarded-For names the client (TRUST_PROXY); null: none, the socket peer is the client. */
  trustProxy: TrustProxy | null;
  /** Whether this replica hears every change right now (always, on one process). */
  live: () => boolean;
  /** What /readyz answers. */
  readiness: () => Promise<Readiness>;
  /** GET /metrics and what feeds it; null or absent: off (METRICS_TOKEN unset), /metrics answers 404. */
  metrics?: { metrics: ConsoleMetrics; token: string } | null;
  /** How long history is kept (RETENTION_DAYS, AUDIT_RETENTION_DAYS), for the session to tell the dashboard. */
  retention?: RetentionSettings;
}

/** While the database is away every request says so; the log says it at most this often. */
const UNAVAILABLE_LOG_EVERY_MS = 10_000;

export function createApp(deps: AppDeps) {
  const { clock, store, feed, log, limiters, live } = deps;
  const sessionDeps: SessionDeps = {
    clock,
    operators: deps.operators,
    upstreamMode: deps.upstreamMode,
    publicOrigin: deps.publicOrigin,
    stuckRule: deps.stuckRule,
    limiter: limiters.operators,
    retention: deps.retention,
  };
  const app = new Hono<AppEnv>();
  app.use(clientAddresses(deps.trustProxy));

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

  app.route('/', healthRoutes(deps.readiness));
  const metrics = deps.metrics?.metrics ?? null;
  app.route('/', metricsRoutes(deps.metrics ?? null));
  if (metrics) app.use('/v1/*', passThroughMetrics(metrics));
  app.get('*', loginByUrl(sessionDeps));

  const api = new Hono<AppEnv>();
  // Past the limit the rest of the body is still on the wire: the connection is closed, not reused.
  // Bulk cancels may name up to 10,000 ids (about 0.4 MB of JSON); everything else stays small.
  const tooLarge = (limit: string) => () => {
    throw new ApiError(413, `The request body is larger than ${limit}.`, { headers: { connection: 'close' } });
  };
  const smallBodies = bodyLimit({ maxSize: 64 * 1024, onError: tooLarge('64 KB') });
  const bulkBodies = bodyLimit({ maxSize: 1536 * 1024, onError: tooLarge('1.5 MB') });
  api.use((c, next) => (c.req.path.startsWith('/api/bulk-cancels') ? bulkBodies(c, next) : smallBodies(c, next)));
  api.route('/session', sessionRoutes(sessionDeps));
  api.use(requireOperator(sessionDeps));
  api.get('/openapi.json', serveApiDescription);
  // A path the API has, asked with a method it does not take: 405 with Allow (from the description).
  // Before the routes, so GET /bulk-cancels/preview is not read as the job "preview".
  api.use(methodNotAllowed(describeApi()));
  // Before /uploads, whose /:id would read "activity" as an upload id.
  api.route('/uploads/activity', activityRoutes({ clock, store }));
  api.route('/uploads', uploadRoutes({ clock, store, cancels: deps.cancels }));
  api.route('/bulk-cancels', bulkRoutes({ clock, store, runner: deps.runner }));
  api.route('/audit', auditRoutes({ store }));
  api.route('/policies', policyRoutes({ policies: deps.policies }));
  api.route('/clients', clientRoutes({ clock, store }));
  api.route('/events', eventRoutes({ feed, live, ...(metrics ? { countStream: metrics.streamOpened } : {}) }));
  api.all('*', (c) => {
    throw new ApiError(404, `Invalid URL (${c.req.method} ${c.req.path})`);
  });
  app.route('/api', api);
  // Its own count: a client with a stale token must not lock operators out, nor the other way round.
  app.route('/v1', v1Routes({ clock, store, feed, log, upstream: deps.upstream, findClient: deps.findClient, limiter: limiters.clients, maxPartBytes: deps.maxPartBytes }));

  if (deps.staticDir) {
    // A page's first answers come from the API itself, as the page's own GET would get them,
    // authenticated by the session cookie alone (static-routes.ts).
    const answer = async (c: Context<AppEnv>, path: string): Promise<unknown> => {
      const cookie = c.req.header('cookie');
      if (!cookie) return null;
      const response = await app.fetch(new Request(new URL(path, c.req.url), { headers: { cookie } }), c.env);
      return response.status === 200 ? await response.json() : null;
    };
    app.route('/', staticRoutes(deps.staticDir, { answer }));
  }

  app.notFound((c) => c.json(errorEnvelope(`Invalid URL (${c.req.method} ${c.req.path})`), 404));
  let unavailableLoggedAt = -Infinity;
  app.onError((error, c) => {
    const answer = toApiError(error, c.req.path.startsWith('/v1/') ? 'pass_through' : 'dashboard');
    if (answer?.envelope.error.code === STORE_UNAVAILABLE && Date.now() - unavailableLoggedAt >= UNAVAILABLE_LOG_EVERY_MS) {
      unavailableLoggedAt = Date.now();
      log.warn('the database cannot be reached: answering 503 until it is back', { path: c.req.path, error: error instanceof Error ? error.message : String(error) });
    }
    if (answer) {
      for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
      return c.json(answer.envelope, answer.status);
    }
    log.error('unhandled error', { method: c.req.method, path: c.req.path, error: error instanceof Error ? error.stack : String(error) });
    return c.json(INTERNAL_ERROR, 500);
  });
  return app;
}
