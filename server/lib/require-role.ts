import type { Context } from 'hono';
import type { AppEnv } from '#server/app-env.ts';
import { ApiError } from './api-error.ts';

/** The server refuses, not only the UI: a read-only operator can look at everything and change nothing. */
export function requireCancelRight(c: Context<AppEnv>): void {
  const operator = c.get('operator');
  if (operator.role === 'read_only') {
    throw new ApiError(403, `Operator '${operator.name}' has read-only access and cannot cancel uploads.`, { code: 'read_only_operator' });
  }
}

/** Cleanup policies cancel uploads: changing them takes the same right. */
export function requirePolicyRight(c: Context<AppEnv>): void {
  const operator = c.get('operator');
  if (operator.role === 'read_only') {
    throw new ApiError(403, `Operator '${operator.name}' has read-only access and cannot change cleanup policies.`, { code: 'read_only_operator' });
  }
}
