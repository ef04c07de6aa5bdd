// A path the dashboard API has, asked with a method it does not take, is a 405 that says which
// methods it does take (RFC 9110 §15.5.6), rather than the 404 of a path that does not exist. The
// paths and methods come from the API's description, so the two cannot disagree.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '#server/lib/api-error.ts';
import type { OpenApiDocument } from './openapi-document.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'trace'] as const;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Mounted before the surface's routes: otherwise `GET /api/bulk-cancels/preview` would reach
 * `GET /bulk-cancels/:id` (as a job id of "preview") instead of being told the preview takes POST.
 * As in OpenAPI, a concrete path is matched before a templated one. Requests it does not match,
 * or that use a method their path takes, pass on.
 */
export function methodNotAllowed(document: OpenApiDocument): MiddlewareHandler {
  const base = document.servers[0]?.url ?? '';
  const routes = Object.entries(document.paths).map(([path, item]) => {
    const methods: string[] = METHODS.filter((method) => method in item).map((method) => method.toUpperCase());
    // A GET route answers HEAD too.
    if (methods.includes('GET')) methods.push('HEAD');
    const pattern = new RegExp(`^${escapeRegExp(`${base}${path}`).replace(/\\\{[^/]+?\\\}/g, '[^/]+')}$`);
    return { pattern, methods, templated: path.split('{').length - 1 };
  });
  routes.sort((a, b) => a.templated - b.templated);
  return async function methodNotAllowedHandler(c, next) {
    const route = routes.find((r) => r.pattern.test(c.req.path));
    if (!route || route.methods.includes(c.req.method)) return next();
    const allow = route.methods.join(', ');
    throw new ApiError(405, `${c.req.method} is not allowed on ${c.req.path}: use ${allow}.`, { headers: { allow } });
  };
}
