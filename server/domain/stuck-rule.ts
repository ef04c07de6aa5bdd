// When a pending upload counts as stuck. The rule is written twice, once per place it runs: in
// JS (`reason`, for one upload at hand) and as a SQL condition (`stuckSql`, for filters and
// counts over the whole table). Both sit here so that a change to one is a change to the other;
// stuck-rule.test.ts checks that they agree. Configure it once (createStuckRule) and hand the same
// object to the store and to whatever tells the dashboard the threshold.
import type { Stuck } from '#contract/dashboard-api.ts';

export interface StuckInput {
  created_at: number;
  expires_at: number;
  bytes: number;
  bytes_received: number;
  last_activity_at: number;
}

export interface StuckRule {
  /** Seconds without a part after which a pending upload counts as stuck. */
  readonly afterSeconds: number;
  /** Why the upload is stuck at `now` (unix s), or null. Only meaningful for an upload whose effective status is pending. */
  reason(upload: StuckInput, now: number): Stuck | null;
}

/** The rule with its idle threshold (default 10 minutes). */
export function createStuckRule(afterSeconds = 600): StuckRule {
  // The SQL form takes the threshold as a bound integer; a fraction would round differently there.
  if (!Number.isSafeInteger(afterSeconds) || afterSeconds <= 0) {
    throw new RangeError(`The stuck threshold must be a positive whole number of seconds, not ${afterSeconds}`);
  }
  return { afterSeconds, reason: (upload, now) => stuckReason(upload, now, afterSeconds) };
}

/** "45 s", "23 min", "3 h": how long, in the unit an operator would say. */
const minutes = (seconds: number) => {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  // Whole minutes elapsed, as the dashboard shows times ("49 min ago" until the 50th has passed).
  const m = Math.floor(seconds / 60);
  return m >= 120 ? `${Math.round(m / 60)} h` : `${m} min`;
};

/**
 * Stuck means: no part has arrived for `afterSeconds`, or, at the rate its parts have arrived so
 * far, the rest would not arrive before it expires.
 */
function stuckReason(upload: StuckInput, now: number, afterSeconds: number): Stuck | null {
  const idleFor = now - upload.last_activity_at;
  if (idleFor >= afterSeconds) {
    const what = upload.bytes_received === 0 ? 'No part received since it was created' : 'No part received';
    return { reason: 'idle', message: `${what} ${minutes(idleFor)} ago` };
  }
  const elapsed = upload.last_activity_at - upload.created_at;
  const remaining = upload.bytes - upload.bytes_received;
  if (upload.bytes_received > 0 && elapsed > 0 && remaining > 0) {
    // remaining / rate > time left  ⇔  remaining · elapsed > received · time left (no division)
    const timeLeft = upload.expires_at - now;
    if (remaining * elapsed > upload.bytes_received * timeLeft) {
      const needed = (remaining * elapsed) / upload.bytes_received;
      return { reason: 'too_slow', message: `At its pace so far it needs ${minutes(needed)} more, but it expires in ${minutes(timeLeft)}` };
    }
  }
  return null;
}

/** How a statement names its two bound values, e.g. `{ now: '@now', stuckAfter: '@stuck_after' }` or `{ now: '$1', stuckAfter: '$2' }`. */
export interface StuckSqlParams {
  now: string;
  stuckAfter: string;
  /** How the condition names the expires_at column (default `expires_at`): SQLite's list writes `+expires_at`, see filter-sql.ts. */
  expiresAt?: string;
}

/**
 * The same rule as a SQL condition over an uploads table with the columns status, created_at,
 * expires_at, bytes, bytes_received and last_activity_at (integers, 64-bit: the products exceed
 * 32 bits). Unlike `reason`, it also checks that the upload is pending and not yet expired, so
 * `NOT (…)` selects every upload that is not stuck. Plain SQL arithmetic, with each bound value
 * next to a column so that an engine which infers parameter types from context can.
 */
export function stuckSql({ now, stuckAfter, expiresAt = 'expires_at' }: StuckSqlParams): string {
  return `(status = 'pending' AND ${expiresAt} > ${now} AND (
  ${now} - last_activity_at >= ${stuckAfter}
  OR (bytes_received > 0 AND last_activity_at > created_at AND bytes > bytes_received
      AND (bytes - bytes_received) * (last_activity_at - created_at) > bytes_received * (${expiresAt} - ${now}))))`;
}
