import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { loginRequestSchema, type Session } from '#contract/dashboard-api.ts';
import { CSRF_HEADER, CSRF_VALUE } from '#contract/constants.ts';
import type { AppEnv } from '#server/app-env.ts';
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import type { RetentionSettings } from '#server/retention/retention-sweeper.ts';
import { ApiError } from '#server/lib/api-error.ts';
import type { Operator, OperatorDirectory } from '#server/lib/auth.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { AttemptLimiter } from '#server/lib/attempt-limiter.ts';
import { checkToken } from '#server/lib/token-guard.ts';
import { parseJsonBody } from '#server/lib/validation.ts';

export const SESSION_COOKIE = 'uc_session';

export interface SessionDeps {
  clock: Clock;
  operators: OperatorDirectory;
  upstreamMode: Session['upstream'];
  /** The origin browsers use (behind a TLS-terminating proxy), or null for each request's own. */
  publicOrigin: string | null;
  /** The same rule the store applies; the dashboard is told its threshold. */
  stuckRule: StuckRule;
  /** Failed token attempts per address, shared by every place an operator token is checked (and by every replica on PostgreSQL). */
  limiter: AttemptLimiter;
  /** How long the store keeps history; the dashboard says so. Absent: everything is kept. */
  retention?: RetentionSettings | undefined;
}

/**
 * Resolves the operator behind a request: Bearer token first, then the session cookie. The cookie
 * is signed, not stored (lib/auth.ts): every replica with the same operator tokens accepts it.
 */
export async function operatorFor(c: Context, deps: SessionDeps): Promise<{ operator: Operator; via: 'bearer' | 'cookie' } | null> {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization.trim());
    const operator = await checkToken(c, deps.limiter, match?.[1] ?? '', (token) => deps.operators.findByToken(token));
    return operator ? { operator, via: 'bearer' } : null;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie || cookie.length > 1024) return null;
  const operator = deps.operators.sessions.verify(cookie, unixSeconds(deps.clock));
  return operator ? { operator, via: 'cookie' } : null;
}

/** Over https (as the public origin says) the session cookie is marked Secure. */
const secureCookies = (deps: SessionDeps) => deps.publicOrigin?.startsWith('https:') ?? false;

export function startSession(c: Context, deps: SessionDeps, operator: Operator): void {
  setCookie(c, SESSION_COOKIE, deps.operators.sessions.sign(operator, unixSeconds(deps.clock)), {
    httpOnly: true,
    sameSite: 'Strict',
    secure: secureCookies(deps),
    path: '/',
    maxAge: deps.operators.sessions.ttlSeconds,
  });
}

export function sessionRoutes(deps: SessionDeps) {
  const session = (operator: Operator): Session => ({
    operator: operator.name,
    role: operator.role,
    upstream: deps.upstreamMode,
    stuck_after_minutes: deps.stuckRule.afterSeconds / 60,
    history_days: deps.retention?.uploadDays || null,
    audit_history_days: deps.retention?.auditDays || null,
  });

  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const found = await operatorFor(c, deps);
      if (!found) throw new ApiError(401, 'Not signed in. Open the login URL printed by the server, or sign in with the operator token.', { code: 'not_signed_in' });
      return c.json(session(found.operator));
    })
    .post('/', async (c) => {
      const { token } = await parseJsonBody(c, loginRequestSchema);
      const operator = await checkToken(c, deps.limiter, token, (t) => deps.operators.findByToken(t));
      if (!operator) throw new ApiError(401, 'That operator token is not valid.', { code: 'invalid_token', param: 'token' });
      startSession(c, deps, operator);
      return c.json(session(operator));
    })
    .delete('/', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(deps), sameSite: 'Strict', httpOnly: true });
      return c.body(null, 204);
    });
}

/** The login URL (`/?token=…`, any GET page): trades the token for a session cookie, then drops it from the address bar. */
export function loginByUrl(deps: SessionDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = c.req.query('token');
    if (token === undefined || c.req.path.startsWith('/api/') || c.req.path.startsWith('/v1/')) return next();
    let operator;
    try {
      operator = await checkToken(c, deps.limiter, token, (t) => deps.operators.findByToken(t));
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) return c.redirect('/login?error=too-many-attempts', 303);
      throw error;
    }
    if (!operator) return c.redirect('/login?error=invalid-token', 303);
    startSession(c, deps, operator);
    c.header('cache-control', 'no-store');
    // Only a path on this site: `//evil.example/x` would leave it.
    const back = c.req.path === '/login' || !/^\/(?![/\\])/.test(c.req.path) ? '/' : c.req.path;
    return c.redirect(back, 303);
  };
}

/** Every /api route after this needs an operator; it sets `operator` and `authVia` on the context. */
export function requireOperator(deps: SessionDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const found = await operatorFor(c, deps);
    if (!found) throw new ApiError(401, 'Not signed in, or the session has ended. Sign in again.', { code: 'not_signed_in' });
    if (found.via === 'cookie' && c.req.method !== 'GET' && c.req.method !== 'HEAD') assertSameOrigin(c.req.raw, deps.publicOrigin);
    c.set('operator', found.operator);
    c.set('authVia', found.via);
    await next();
  };
}

/**
 * CSRF: the session cookie is SameSite=Strict, and a cookie-authenticated state change must also
 * carry our custom header (which a cross-site form or simple request cannot set) and, when the
 * browser sends one, an Origin matching the host it was sent to.
 */
function assertSameOrigin(request: Request, publicOrigin: string | null): void {
  if (request.headers.get(CSRF_HEADER) !== CSRF_VALUE) {
    throw new ApiError(403, `Missing the ${CSRF_HEADER}: ${CSRF_VALUE} header that dashboard requests carry.`, { code: 'csrf_rejected' });
  }
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== (publicOrigin ?? new URL(request.url).origin)) {
    throw new ApiError(403, 'Cross-site request refused.', { code: 'csrf_rejected' });
  }
}
