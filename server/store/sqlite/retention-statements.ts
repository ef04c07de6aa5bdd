// The SQLite statements of retention (server/retention/): finished uploads and old audit entries
// leave the store in small batches. Deleting an upload fires the triggers that keep upload_counts
// and the filename search index in step (migration 2).
import type Database from 'better-sqlite3';

export function prepareRetentionStatements(db: Database.Database) {
  return {
    // A range of uploads_by_activity (last_activity_at, id). Completed and cancelled ones finished at
    // their last activity; expired ones (and pending ones past expiry: lapsed) at their expiry,
    // unless a cancel's outcome is unknown (the reconciler settles it first).
    oldFinished: db.prepare<{ cutoff: number; limit: number }, { rowid: number; id: string }>(`
      SELECT rowid, id FROM uploads
      WHERE last_activity_at <= @cutoff AND (status IN ('completed', 'cancelled') OR expires_at <= @cutoff) AND cancel_unknown_since IS NULL
      ORDER BY last_activity_at, id LIMIT @limit`),
    deleteParts: db.prepare<[string]>('DELETE FROM upload_parts WHERE upload_id = ?'),
    deleteEvents: db.prepare<[string]>('DELETE FROM upload_events WHERE upload_id = ?'),
    deleteUpload: db.prepare<[number]>('DELETE FROM uploads WHERE rowid = ?'),
    deleteAudit: db.prepare<{ cutoff: number; limit: number }>(
      'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log INDEXED BY audit_by_at WHERE at <= @cutoff ORDER BY at, id LIMIT @limit)',
    ),
  };
}

export type RetentionStatements = ReturnType<typeof prepareRetentionStatements>;
