import type { Context } from 'hono';
import { ApiError } from './api-error.ts';
import type { FailedAttemptLimiter } from './rate-limit.ts';

/** The peer address of the request (the proxy itself is the edge; no forwarded headers are trusted). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Looks a token up, unless this address has failed too often lately (429, whatever the token);
 * a miss counts as a failed attempt.
 */
export function lookUpToken<T>(c: Context, limiter: FailedAttemptLimiter, token: string, lookup: (token: string) => T | null): T | null {
  const address = clientAddress(c);
  const waitMs = limiter.blockedFor(address);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new ApiError(429, `Too many failed sign-in attempts from this address. Try again in ${seconds} s.`, {
      type: 'rate_limit_error',
      code: 'too_many_sign_in_attempts',
      headers: { 'retry-after': String(seconds) },
    });
  }
  const found = token.length <= 512 ? lookup(token) : null;
  if (found === null) limiter.fail(address);
  return found;
}
