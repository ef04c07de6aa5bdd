import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '#server/app-env.ts';
import { ApiError } from './api-error.ts';
import type { AttemptLimiter } from './attempt-limiter.ts';
import { resolveClientAddress, type TrustProxy } from './client-address.ts';

/** A key longer than this is cut: an address is at most 45 characters; the rest would be noise. */
const MAX_ADDRESS_LENGTH = 100;


/**
 * Middleware: works out the client's address once per request (server/lib/client-address.ts),
 * for every limiter that keys on it, on any sub-app (/api and /v1 alike).
 */
export function clientAddresses(trust: TrustProxy | null): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    c.set('clientAddress', resolveClientAddress(peer, c.req.header('x-forwarded-for'), trust).slice(0, MAX_ADDRESS_LENGTH));
    await next();
  };
}

/** The client's address: as clientAddresses() found it, else the socket peer (no forwarded header trusted). */
export function clientAddress(c: Context): string {
  // Any sub-app's context (the /v1 one has its own variable types): the value was set on the root.
  const resolved = (c.var as Partial<AppEnv['Variables']>).clientAddress;
  if (resolved !== undefined) return resolved;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function tooManyAttempts(waitMs: number): ApiError {
  const seconds = Math.ceil(waitMs / 1000);
  return new ApiError(429, `Too many failed sign-in attempts from this address. Try again in ${seconds} s.`, {
    type: 'rate_limit_error',
    code: 'too_many_sign_in_attempts',
    headers: { 'retry-after': String(seconds) },
  });
}

/**
 * Looks a token up, unless this address has failed too often lately (429, whatever the token);
 * a miss counts as a failed attempt. The count may be shared by every replica (AttemptLimiter).
 */
export async function checkToken<T>(c: Context, limiter: AttemptLimiter, token: string, lookup: (token: string) => T | null): Promise<T | null> {
  const address = clientAddress(c);
  const waitMs = await limiter.blockedFor(address);
  if (waitMs > 0) throw tooManyAttempts(waitMs);
  const found = token.length <= 512 ? lookup(token) : null;
  if (found === null) await limiter.fail(address);
  return found;
}
