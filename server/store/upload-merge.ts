// How an Upload object returned by the upstream is merged into what is already recorded. Every
// store applies this plan inside one transaction, after reading the existing row (for update).
import type { Upload, UploadStatus } from '#contract/uploads.ts';
import { TERMINAL_STATUSES } from './upload-record.ts';
import type { RecordContext } from './upload-store.ts';

export interface ExistingUpload {
  status: UploadStatus;
  cancelled_by: string | null;
  cancelled_at: number | null;
}

export type MergePlan =
  /** First sight: a new row, and a 'created' (via create) or 'seen' timeline event. */
  | { kind: 'insert'; cancelled_by: string | null; cancelled_at: number | null; event: 'created' | 'seen' }
  /** A stale pending object (e.g. a slow create answer) must not resurrect a finished upload: only the activity time moves. */
  | { kind: 'touch' }
  /**
   * The object replaces the stored one; last activity moves forward only; the outcome-unknown
   * mark survives only while the new status is pending. `statusEvent` is the timeline event to add,
   * if the upload just left pending.
   */
  | { kind: 'update'; cancelled_by: string | null; cancelled_at: number | null; statusEvent: Exclude<UploadStatus, 'pending'> | null };

export function planMerge(existing: ExistingUpload | undefined, upload: Upload, ctx: RecordContext): MergePlan {
  // Who cancelled and when is written once: by the first answer that says cancelled.
  const becameCancelled = upload.status === 'cancelled' && existing?.cancelled_at == null;
  const cancelledBy = becameCancelled ? (ctx.actor ?? null) : (existing?.cancelled_by ?? null);
  const cancelledAt = becameCancelled ? ctx.at : (existing?.cancelled_at ?? null);
  if (!existing) return { kind: 'insert', cancelled_by: cancelledBy, cancelled_at: cancelledAt, event: ctx.via === 'create' ? 'created' : 'seen' };
  if (TERMINAL_STATUSES.has(existing.status) && upload.status === 'pending') return { kind: 'touch' };
  const { status } = upload;
  const statusEvent = existing.status === 'pending' && status !== 'pending' ? status : null;
  return { kind: 'update', cancelled_by: cancelledBy, cancelled_at: cancelledAt, statusEvent };
}
