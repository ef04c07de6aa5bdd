import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Session } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import { ApiError } from '#server/lib/api-error.ts';
import type { Operator, OperatorDirectory } from '#server/lib/auth.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { FailedAttemptLimiter } from '#server/lib/rate-limit.ts';
import { lookUpToken } from '#server/lib/token-guard.ts';
import { parseJsonBody } from '#server/lib/validation.ts';

export const SESSION_COOKIE = 'uc_session';

export interface SessionDeps {
  clock: Clock;
  operators: OperatorDirectory;
  upstreamMode: Session['upstream'];
  secureCookies: boolean;
  stuckAfterSeconds: number;
  /** Failed token attempts per address, shared by every place a token is checked. */
  limiter: FailedAttemptLimiter;
}

/** Resolves the operator behind a request: Bearer token first, then the session cookie. */
export function operatorFor(c: Context, deps: SessionDeps): { operator: Operator; via: 'bearer' | 'cookie' } | null {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization.trim());
    const operator = lookUpToken(c, deps.limiter, match?.[1] ?? '', (token) => deps.operators.findByToken(token));
    return operator ? { operator, via: 'bearer' } : null;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie || cookie.length > 1024) return null;
  const operator = deps.operators.sessions.verify(cookie, unixSeconds(deps.clock));
  return operator ? { operator, via: 'cookie' } : null;
}

export function startSession(c: Context, deps: SessionDeps, operator: Operator): void {
  setCookie(c, SESSION_COOKIE, deps.operators.sessions.sign(operator, unixSeconds(deps.clock)), {
    httpOnly: true,
    sameSite: 'Strict',
    secure: deps.secureCookies,
    path: '/',
    maxAge: deps.operators.sessions.ttlSeconds,
  });
}

const loginBody = z.object({ token: z.string().min(1, 'is required').max(512) });

export function sessionRoutes(deps: SessionDeps) {
  const session = (operator: Operator): Session => ({
    operator: operator.name,
    role: operator.role,
    upstream: deps.upstreamMode,
    stuck_after_minutes: deps.stuckAfterSeconds / 60,
  });

  return new Hono<AppEnv>()
    .get('/', (c) => {
      const found = operatorFor(c, deps);
      if (!found) throw new ApiError(401, 'Not signed in. Open the login URL printed by the server, or sign in with the operator token.', { code: 'not_signed_in' });
      return c.json(session(found.operator));
    })
    .post('/', async (c) => {
      const { token } = await parseJsonBody(c, loginBody);
      const operator = lookUpToken(c, deps.limiter, token, (t) => deps.operators.findByToken(t));
      if (!operator) throw new ApiError(401, 'That operator token is not valid.', { code: 'invalid_token', param: 'token' });
      startSession(c, deps, operator);
      return c.json(session(operator));
    })
    .delete('/', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.secureCookies, sameSite: 'Strict', httpOnly: true });
      return c.body(null, 204);
    });
}
