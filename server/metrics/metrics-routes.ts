// GET /metrics for Prometheus, behind its own bearer token (METRICS_TOKEN); without one configured
// the endpoint is off and answers 404 like any unknown URL. And the /v1 middleware that counts the
// pass-through's answers by route template and status.
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '#server/app-env.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { createTokenMatcher } from '#server/lib/auth.ts';
import type { ConsoleMetrics, PassThroughRoute } from './console-metrics.ts';

export interface MetricsEndpoint {
  metrics: Pick<ConsoleMetrics, 'render'>;
  /** The bearer token scrapers send (METRICS_TOKEN). */
  token: string;
}

export function metricsRoutes(endpoint: MetricsEndpoint | null) {
  const app = new Hono<AppEnv>();
  if (endpoint === null) {
    return app.get('/metrics', (c) => {
      throw new ApiError(404, `Invalid URL (${c.req.method} ${c.req.path})`);
    });
  }
  // Constant time, as every other token check (server/lib/auth.ts).
  const matches = createTokenMatcher([{ name: 'metrics', token: endpoint.token }]);
  const challenge = { 'www-authenticate': 'Bearer realm="metrics"' };
  return app.get('/metrics', async (c) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      throw new ApiError(401, "You didn't provide the metrics token. Send it as `Authorization: Bearer <METRICS_TOKEN>` (in Prometheus: `authorization: {credentials: …}` or `bearer_token`).", { code: 'missing_metrics_token', headers: challenge });
    }
    const token = /^Bearer\s+(\S{1,512})$/i.exec(header.trim())?.[1];
    if (token === undefined || matches(token) === null) {
      throw new ApiError(401, 'Incorrect metrics token provided. Use the METRICS_TOKEN configured on the Uploads Console.', { code: 'invalid_metrics_token', headers: challenge });
    }
    const { contentType, body } = await endpoint.metrics.render();
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': contentType });
  });
}

/** The route template a /v1 path was served by (PASS_THROUGH_ROUTES), from the path alone. */
export function passThroughRoute(path: string): PassThroughRoute {
  if (path === '/v1/uploads') return '/v1/uploads';
  if (path === '/v1/openapi.json') return '/v1/openapi.json';
  // /v1/uploads/<one segment>/<action>
  const slash = path.indexOf('/', 12);
  if (!path.startsWith('/v1/uploads/') || slash <= 12 || slash !== path.lastIndexOf('/')) return 'other';
  if (path.endsWith('/parts')) return '/v1/uploads/:upload_id/parts';
  if (path.endsWith('/complete')) return '/v1/uploads/:upload_id/complete';
  if (path.endsWith('/cancel')) return '/v1/uploads/:upload_id/cancel';
  return 'other';
}

/**
 * Counts each /v1 answer once it is made (errors included: app.onError has turned them into the
 * response by then). A few string comparisons and one counter increment per request.
 */
export function passThroughMetrics(metrics: Pick<ConsoleMetrics, 'passThroughAnswered'>): MiddlewareHandler {
  return async (c, next) => {
    await next();
    metrics.passThroughAnswered(passThroughRoute(c.req.path), c.res.status);
  };
}
