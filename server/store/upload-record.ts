// What a stored upload means at a given moment: its effective status (in JS for one row, in SQL for
// a filter; the two sit together so they change together) and the record the dashboard reads.
import type { StatusCounts, UploadClient, UploadRecord } from '#contract/dashboard-api.ts';
import type { Upload, UploadStatus } from '#contract/uploads.ts';
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import type { SeenVia } from './upload-store.ts';

/**
 * The columns every store keeps under these very names and types; each store's row type extends
 * this (adding how it holds the Upload object itself), so the list is written once.
 */
export interface StoredUploadColumns {
  /** The status as last reported; a pending upload past its expiry still says pending here. */
  status: UploadStatus;
  parts_count: number;
  bytes_received: number;
  first_seen_at: number;
  last_activity_at: number;
  seen_via: SeenVia;
  cancelled_by: string | null;
  cancelled_at: number | null;
  cancel_unknown_since: number | null;
  /** The upload's client (UploadRecord.client) as two columns, so the list can filter by name; both null without one. */
  client_name: string | null;
  client_sdk: string | null;
}

/** What every store keeps about an upload, whatever its columns are called. */
export interface StoredUpload extends StoredUploadColumns {
  /** The latest Upload object the upstream returned, verbatim. */
  upload: Upload;
}

export const TERMINAL_STATUSES: ReadonlySet<UploadStatus> = new Set(['completed', 'cancelled', 'expired']);

/** A pending upload past its expiry reads as expired even before the sweeper marks it. */
export function effectiveStatus(stored: UploadStatus, expiresAt: number, now: number): UploadStatus {
  return stored === 'pending' && expiresAt <= now ? 'expired' : stored;
}

/**
 * The tabs' counts from the stored ones (the trigger-kept table) and the live pending uploads (not
 * past expiry) with the stuck among them: the lapsed ones (pending past expiry, not swept yet) read
 * as expired, as effectiveStatus does for one row. Both engines read `live` and `stuck` in one
 * index range, so the lapsed ones are never walked.
 */
export function withLiveAndLapsed(stored: StatusCounts, live: number, stuck: number): StatusCounts {
  return { ...stored, pending: live, expired: stored.expired + stored.pending - live, stuck };
}

/** The same, as a SQL condition over the columns status and expires_at; `now` names the bound value, `expiresAt` the column (see stuckSql). */
export function effectiveStatusSql(status: UploadStatus, now: string, expiresAt = 'expires_at'): string {
  switch (status) {
    case 'pending':
      return `(status = 'pending' AND ${expiresAt} > ${now})`;
    case 'expired':
      return `(status = 'expired' OR (status = 'pending' AND ${expiresAt} <= ${now}))`;
    default:
      return `status = '${status}'`;
  }
}

/** The client kept as client_name / client_sdk columns (on uploads and audit_log alike). */
export function clientOf(name: string | null, sdk: string | null): UploadClient | null {
  return name === null ? null : { name, sdk };
}

export function toUploadRecord(row: StoredUpload, now: number, stuckRule: StuckRule): UploadRecord {
  const { upload } = row;
  const status = effectiveStatus(row.status, upload.expires_at, now);
  const pending = status === 'pending';
  return {
    upload,
    status,
    parts_count: row.parts_count,
    bytes_received: row.bytes_received,
    last_activity_at: row.last_activity_at,
    first_seen_at: row.first_seen_at,
    seen_via: row.seen_via,
    cancelled_by: row.cancelled_by,
    cancelled_at: row.cancelled_at,
    stuck: pending
      ? stuckRule.reason({ created_at: upload.created_at, expires_at: upload.expires_at, bytes: upload.bytes, bytes_received: row.bytes_received, last_activity_at: row.last_activity_at }, now)
      : null,
    cancel_outcome_unknown: pending && row.cancel_unknown_since !== null,
    client: clientOf(row.client_name, row.client_sdk),
  };
}
