// The PostgreSQL side of retention (server/retention/): finished uploads and old audit entries leave
// the store in small batches, each one statement (its own short transaction). Replicas purging at
// once skip each other's rows (SKIP LOCKED), so each row is deleted by one of them.
import type pg from 'pg';
import type { UploadStatus } from '#contract/uploads.ts';

/**
 * One batch holds uploads of one stored status only: each deleted row decrements its status's row
 * of upload_counts (the trigger of migration 1), so a batch locks one counts row, never two in an
 * order another transaction could lock the other way round (a deadlock with a status change).
 * 'pending' last: past the cutoff's expiry it is lapsed, and the expiry sweep has usually marked it already.
 */
const STATUSES_IN_ORDER: readonly UploadStatus[] = ['completed', 'cancelled', 'expired', 'pending'];

// The due rows are chosen once (MATERIALIZED), in the range of uploads_by_status_activity. Completed
// and cancelled ones finished at their last activity; expired ones (and pending ones past expiry:
// lapsed) at their expiry; one whose cancel outcome is unknown is the reconciler's, however old.
const PURGE_UPLOADS_SQL = `
  WITH picked AS MATERIALIZED (
    SELECT id FROM uploads
    WHERE status = $1 AND last_activity_at <= $2::bigint AND (status IN ('completed', 'cancelled') OR expires_at <= $2::bigint)
      AND cancel_unknown_since IS NULL
    ORDER BY last_activity_at, id LIMIT $3::integer FOR UPDATE SKIP LOCKED
  ), parts AS (
    DELETE FROM upload_parts p USING picked WHERE p.upload_id = picked.id
  ), events AS (
    DELETE FROM upload_events e USING picked WHERE e.upload_id = picked.id
  ), gone AS (
    DELETE FROM uploads u USING picked WHERE u.id = picked.id RETURNING 1
  )
  SELECT COUNT(*)::integer AS n FROM gone`;

const PURGE_AUDIT_SQL = `
  WITH picked AS MATERIALIZED (
    SELECT id FROM audit_log WHERE at <= $1::bigint ORDER BY at, id LIMIT $2::integer FOR UPDATE SKIP LOCKED
  )
  DELETE FROM audit_log a USING picked WHERE a.id = picked.id`;

/** Deletes up to `limit` finished uploads of the first status that has any (see UploadStore.purgeFinishedUploads). */
export async function purgeFinishedUploads(pool: pg.Pool, cutoff: number, limit: number): Promise<number> {
  for (const status of STATUSES_IN_ORDER) {
    const { rows } = await pool.query<{ n: number }>(PURGE_UPLOADS_SQL, [status, cutoff, limit]);
    const deleted = rows[0]?.n ?? 0;
    if (deleted > 0) return deleted;
  }
  return 0;
}

export async function purgeAuditEntries(pool: pg.Pool, cutoff: number, limit: number): Promise<number> {
  const { rowCount } = await pool.query(PURGE_AUDIT_SQL, [cutoff, limit]);
  return rowCount ?? 0;
}
