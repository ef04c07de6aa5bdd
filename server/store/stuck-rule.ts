// When a pending upload counts as stuck. The SQL twin of this rule is STUCK_SQL in
// sqlite-store.ts; stuck-rule.test.ts checks that both agree.
import type { Stuck } from '#contract/dashboard-api.ts';

export interface StuckInput {
  created_at: number;
  expires_at: number;
  bytes: number;
  bytes_received: number;
  last_activity_at: number;
}

/** "45 s", "23 min", "3 h": how long, in the unit an operator would say. */
const minutes = (seconds: number) => {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  // Whole minutes elapsed, as the dashboard shows times ("49 min ago" until the 50th has passed).
  const m = Math.floor(seconds / 60);
  return m >= 120 ? `${Math.round(m / 60)} h` : `${m} min`;
};

/**
 * A pending upload is stuck when no part has arrived for `stuckAfterSeconds`, or when, at the
 * rate its parts have arrived so far, it would not receive the rest before it expires.
 * Call only for uploads whose effective status is pending.
 */
export function stuckReason(upload: StuckInput, now: number, stuckAfterSeconds: number): Stuck | null {
  const idleFor = now - upload.last_activity_at;
  if (idleFor >= stuckAfterSeconds) {
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
