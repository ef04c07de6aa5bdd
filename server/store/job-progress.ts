// A bulk job as the dashboard reads it: the stored job plus its items counted by outcome.
import type { BulkCancelJob, CancelOutcome } from '#contract/dashboard-api.ts';

/** What every store keeps about a bulk job (its items are kept apart). */
export interface StoredJob {
  id: string;
  state: BulkCancelJob['state'];
  created_by: string;
  created_at: number;
  finished_at: number | null;
  reason: string | null;
  total: number;
  concurrency: number;
}

/** `counts`: how many items have each outcome; null is an item still to do. */
export function toJob(row: StoredJob, counts: Iterable<{ outcome: CancelOutcome | null; n: number }>): BulkCancelJob {
  const progress: BulkCancelJob['progress'] = { pending: 0, cancelled: 0, already_finished: 0, not_found: 0, failed: 0, unknown: 0, skipped: 0 };
  for (const { outcome, n } of counts) progress[outcome ?? 'pending'] += n;
  return {
    id: row.id,
    object: 'bulk_cancel',
    state: row.state,
    created_by: row.created_by,
    created_at: row.created_at,
    finished_at: row.finished_at,
    reason: row.reason,
    total: row.total,
    progress,
    concurrency: row.concurrency,
  };
}
