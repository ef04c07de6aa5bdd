// Every fixed statement the SQLite store runs, prepared once per connection, and the rows they return.
import type Database from 'better-sqlite3';
import type { AuditEntry, CancelOutcome, ClientCounts } from '#contract/dashboard-api.ts';
import type { Upload, UploadStatus } from '#contract/uploads.ts';
import { stuckSql } from '#server/domain/stuck-rule.ts';
import type { StoredJob } from '#server/store/job-progress.ts';
import type { StoredUpload, StoredUploadColumns } from '#server/store/upload-record.ts';
import type { JobItemToDo } from '#server/store/upload-store.ts';

/** A row of `uploads` as `SELECT rowid, *` returns it: the shared columns, and SQLite's own. */
export interface UploadRow extends StoredUploadColumns {
  rowid: number;
  id: string;
  created_at: number;
  expires_at: number;
  bytes: number;
  object_json: string;
}

export function storedUpload(row: UploadRow): StoredUpload {
  // Stored objects were validated on the way in; re-parsing each row would only cost time.
  return { ...row, upload: JSON.parse(row.object_json) as Upload };
}

export interface EventRow {
  at: number;
  kind: string;
  actor: string | null;
  detail: string | null;
}

interface JobItemRow {
  upload_id: string;
  outcome: CancelOutcome | null;
  message: string | null;
  upstream_status: number | null;
}

/** The named parameters of the stuck condition in every SQLite statement. */
export const STUCK_SQL = stuckSql({ now: '@now', stuckAfter: '@stuck_after' });

export const AUDIT_SELECT = `SELECT a.id, a.at, a.actor, a.action, a.source, a.upload_id,
  json_extract(u.object_json, '$.filename') AS filename, a.reason, a.previous_status, a.outcome,
  a.upstream_status, a.request_id, a.job_id, a.message, a.client_name, a.client_sdk
  FROM audit_log a LEFT JOIN uploads u ON u.id = a.upload_id`;

/** A row of AUDIT_SELECT: the entry, with its client as two columns. */
export type AuditRow = Omit<AuditEntry, 'client'> & { client_name: string | null; client_sdk: string | null };

export function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], UploadRow>('SELECT rowid, * FROM uploads WHERE id = ?'),
    insert: db.prepare(`
      INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object_json,
        parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at, client_name, client_sdk)
      VALUES (@id, @status, @created_at, @expires_at, @bytes, @filename, @purpose, @object_json,
        @parts_count, @bytes_received, @at, @at, @via, @cancelled_by, @cancelled_at, @client_name, @client_sdk)`),
    // The first client seen is the owner: only an upload without one takes one.
    fillClient: db.prepare<{ id: string; client_name: string; client_sdk: string | null }>(
      'UPDATE uploads SET client_name = @client_name, client_sdk = @client_sdk WHERE id = @id AND client_name IS NULL',
    ),
    // Kept by triggers (client_counts), so the clients list never groups every upload.
    clientTotals: db.prepare<[], { name: string; total: number }>('SELECT name, n AS total FROM client_counts WHERE n > 0 ORDER BY name'),
    clientPending: db.prepare<{ now: number; stuck_after: number }, Omit<ClientCounts, 'total'>>(`
      SELECT client_name AS name, COALESCE(SUM(expires_at > @now), 0) AS pending, COALESCE(SUM(${STUCK_SQL}), 0) AS stuck
      FROM uploads WHERE status = 'pending' AND client_name IS NOT NULL GROUP BY client_name`),
    update: db.prepare(`
      UPDATE uploads SET status = @status, expires_at = @expires_at, bytes = @bytes, filename = @filename,
        purpose = @purpose, object_json = @object_json, last_activity_at = MAX(last_activity_at, @at),
        cancelled_by = @cancelled_by, cancelled_at = @cancelled_at,
        cancel_unknown_since = CASE WHEN @status = 'pending' THEN cancel_unknown_since END
      WHERE id = @id`),
    touch: db.prepare('UPDATE uploads SET last_activity_at = MAX(last_activity_at, @at) WHERE id = @id'),
    setStatus: db.prepare(`
      UPDATE uploads SET status = @status, object_json = json_set(object_json, '$.status', @status),
        last_activity_at = MAX(last_activity_at, @at), cancel_unknown_since = NULL
      WHERE id = @id AND status = 'pending'`),
    markUnknown: db.prepare("UPDATE uploads SET cancel_unknown_since = COALESCE(cancel_unknown_since, @at) WHERE id = @id AND status = 'pending'"),
    clearUnknown: db.prepare('UPDATE uploads SET cancel_unknown_since = NULL WHERE id = ? AND cancel_unknown_since IS NOT NULL'),
    // A row whose cancel may have landed is left for the reconciler to settle, not marked expired here.
    // `+status`: read the small partial index of doubts, not every pending upload (SQLite would pick the status index).
    unknownCancels: db.prepare<[number], string>("SELECT id FROM uploads WHERE cancel_unknown_since IS NOT NULL AND +status = 'pending' ORDER BY cancel_unknown_since LIMIT ?").pluck(),
    partTotals: db.prepare<[string], { n: number; total: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS total FROM upload_parts WHERE upload_id = ?'),
    insertPart: db.prepare('INSERT OR IGNORE INTO upload_parts (id, upload_id, bytes, created_at) VALUES (@id, @upload_id, @bytes, @created_at)'),
    addPartToUpload: db.prepare(`
      UPDATE uploads SET parts_count = parts_count + 1, bytes_received = bytes_received + @bytes,
        last_activity_at = MAX(last_activity_at, @at)
      WHERE id = @upload_id`),
    event: db.prepare('INSERT INTO upload_events (upload_id, at, kind, actor, detail) VALUES (@upload_id, @at, @kind, @actor, @detail)'),
    // One log, in the order things happened (seq), whatever second they share.
    events: db.prepare<[string], EventRow>('SELECT at, kind, actor, detail FROM upload_events WHERE upload_id = ? ORDER BY seq'),
    counters: db.prepare<[], { status: UploadStatus; n: number }>('SELECT status, n FROM upload_counts'),
    // The live pending uploads (not past expiry) and the stuck among them: one range of (status, expires_at).
    livePending: db.prepare<{ now: number; stuck_after: number }, { live: number; stuck: number }>(
      `SELECT COUNT(*) AS live, COALESCE(SUM(${STUCK_SQL}), 0) AS stuck FROM uploads WHERE status = 'pending' AND expires_at > @now`,
    ),
    expire: db.prepare<{ now: number; limit: number }, UploadRow>(`
      UPDATE uploads SET status = 'expired', object_json = json_set(object_json, '$.status', 'expired')
      WHERE rowid IN (SELECT rowid FROM uploads WHERE status = 'pending' AND expires_at <= @now AND cancel_unknown_since IS NULL ORDER BY expires_at LIMIT @limit)
      RETURNING rowid, *`),
    auditInsert: db.prepare<Omit<AuditEntry, 'id' | 'filename' | 'action' | 'client'> & { client_name: string | null; client_sdk: string | null }, { id: number }>(`
      INSERT INTO audit_log (at, actor, action, source, upload_id, reason, previous_status, outcome, upstream_status, request_id, job_id, message, client_name, client_sdk)
      VALUES (@at, @actor, 'cancel', @source, @upload_id, @reason, @previous_status, @outcome, @upstream_status, @request_id, @job_id, @message, @client_name, @client_sdk)
      RETURNING id`),
    jobInsert: db.prepare("INSERT INTO bulk_jobs (id, state, created_by, created_at, reason, total) VALUES (@id, 'running', @created_by, @created_at, @reason, @total)"),
    jobItemInsert: db.prepare('INSERT INTO bulk_job_items (job_id, seq, upload_id) VALUES (?, ?, ?)'),
    jobGet: db.prepare<[string], StoredJob>('SELECT * FROM bulk_jobs WHERE id = ?'),
    jobProgress: db.prepare<[string], { outcome: CancelOutcome | null; n: number }>('SELECT outcome, COUNT(*) AS n FROM bulk_job_items WHERE job_id = ? GROUP BY outcome'),
    jobItemsSettled: db.prepare<[string], JobItemRow>(
      "SELECT upload_id, outcome, message, upstream_status FROM bulk_job_items WHERE job_id = ? AND outcome IS NOT NULL AND outcome <> 'cancelled' ORDER BY seq",
    ),
    jobItemsCancelled: db.prepare<[string, number], JobItemRow>(
      "SELECT upload_id, outcome, message, upstream_status FROM bulk_job_items WHERE job_id = ? AND outcome = 'cancelled' ORDER BY seq LIMIT ?",
    ),
    jobTodo: db.prepare<{ job_id: string; after: number; limit: number }, JobItemToDo>(
      'SELECT seq, upload_id FROM bulk_job_items WHERE job_id = @job_id AND outcome IS NULL AND seq > @after ORDER BY seq LIMIT @limit',
    ),
    jobItemFinish: db.prepare<{ job_id: string | null; seq: number; outcome: CancelOutcome | null; message: string | null; upstream_status: number | null }>(`
      UPDATE bulk_job_items SET outcome = @outcome, message = @message, upstream_status = @upstream_status
      WHERE job_id = @job_id AND seq = @seq AND outcome IS NULL`),
    // Once, and only when nothing is left: the one call that gets a change announces the job.
    jobFinish: db.prepare(`
      UPDATE bulk_jobs SET state = 'done', finished_at = @at, concurrency = MAX(concurrency, @concurrency)
      WHERE id = @id AND state = 'running' AND NOT EXISTS (SELECT 1 FROM bulk_job_items WHERE job_id = @id AND outcome IS NULL)`),
    jobsByState: db.prepare<[string, number], StoredJob>('SELECT * FROM bulk_jobs WHERE state = ? ORDER BY created_at DESC LIMIT ?'),
    jobsAll: db.prepare<[number], StoredJob>('SELECT * FROM bulk_jobs ORDER BY created_at DESC LIMIT ?'),
    jobsRunning: db.prepare<[], StoredJob>("SELECT * FROM bulk_jobs WHERE state = 'running' ORDER BY created_at"),

    // ---- leases (ms; see migration 5)
    leasedCount: db.prepare<{ now: number; owner: string }, { busy: number; mine: number }>(
      'SELECT COUNT(*) AS busy, COALESCE(SUM(lease_owner = @owner), 0) AS mine FROM bulk_job_items WHERE outcome IS NULL AND lease_until > @now',
    ),
    replicaSeen: db.prepare<{ owner: string; until: number }>(
      'INSERT INTO bulk_replicas (owner, seen_until) VALUES (@owner, @until) ON CONFLICT (owner) DO UPDATE SET seen_until = excluded.seen_until',
    ),
    replicasForget: db.prepare<{ now: number }>('DELETE FROM bulk_replicas WHERE seen_until <= @now'),
    replicasLive: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM bulk_replicas'),
    replicaGone: db.prepare<[string]>('DELETE FROM bulk_replicas WHERE owner = ?'),
    claimJobsInOrder: db.prepare<[], { id: string; created_by: string; reason: string | null }>(
      "SELECT id, created_by, reason FROM bulk_jobs WHERE state = 'running' ORDER BY created_at, rowid",
    ),
    claimableItems: db.prepare<{ job_id: string; now: number; limit: number }, { seq: number; upload_id: string; sent_at: number | null; taken_from: string | null }>(`
      SELECT seq, upload_id, sent_at, lease_owner AS taken_from FROM bulk_job_items
      WHERE job_id = @job_id AND outcome IS NULL AND (lease_until IS NULL OR lease_until <= @now)
      ORDER BY seq LIMIT @limit`),
    claimItem: db.prepare<{ job_id: string; seq: number; owner: string; until: number }>(
      'UPDATE bulk_job_items SET lease_owner = @owner, lease_until = @until WHERE job_id = @job_id AND seq = @seq',
    ),
    jobLeasedCount: db.prepare<{ job_id: string; now: number }, { n: number }>(
      'SELECT COUNT(*) AS n FROM bulk_job_items WHERE job_id = @job_id AND outcome IS NULL AND lease_until > @now',
    ),
    jobRaiseConcurrency: db.prepare<{ id: string; n: number }>('UPDATE bulk_jobs SET concurrency = @n WHERE id = @id AND concurrency < @n'),
    markSent: db.prepare<{ job_id: string; seq: number; owner: string; now: number; until: number }>(`
      UPDATE bulk_job_items SET sent_at = COALESCE(sent_at, @now), lease_until = MAX(lease_until, @until)
      WHERE job_id = @job_id AND seq = @seq AND lease_owner = @owner AND outcome IS NULL AND lease_until > @now`),
    renewItem: db.prepare<{ job_id: string; seq: number; owner: string; now: number; until: number }>(`
      UPDATE bulk_job_items SET lease_until = MAX(lease_until, @until)
      WHERE job_id = @job_id AND seq = @seq AND lease_owner = @owner AND outcome IS NULL AND lease_until > @now`),
    releaseItem: db.prepare<{ job_id: string; seq: number; owner: string }>(`
      UPDATE bulk_job_items SET lease_until = NULL
      WHERE job_id = @job_id AND seq = @seq AND lease_owner = @owner AND outcome IS NULL AND lease_until IS NOT NULL`),
    releaseAllItems: db.prepare<{ owner: string }>(
      'UPDATE bulk_job_items SET lease_until = NULL WHERE lease_owner = @owner AND outcome IS NULL AND lease_until IS NOT NULL',
    ),
    nextUnknownCancel: db.prepare<{ now: number; after_since: number | null; after_id: string | null }, { id: string; since: number }>(`
      SELECT u.id, u.cancel_unknown_since AS since FROM uploads u
      WHERE u.cancel_unknown_since IS NOT NULL AND +u.status = 'pending'
        AND (@after_since IS NULL OR (u.cancel_unknown_since, u.id) > (@after_since, @after_id))
        AND NOT EXISTS (SELECT 1 FROM reconcile_leases l WHERE l.upload_id = u.id AND l.lease_until > @now)
      ORDER BY u.cancel_unknown_since, u.id LIMIT 1`),
    leaseUnknownCancel: db.prepare<{ id: string; owner: string; until: number }>(`
      INSERT INTO reconcile_leases (upload_id, owner, lease_until) VALUES (@id, @owner, @until)
      ON CONFLICT (upload_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until`),
    renewUnknownCancel: db.prepare<{ id: string; owner: string; now: number; until: number }>(
      'UPDATE reconcile_leases SET lease_until = MAX(lease_until, @until) WHERE upload_id = @id AND owner = @owner AND lease_until > @now',
    ),
    releaseUnknownCancel: db.prepare<[string, string]>('DELETE FROM reconcile_leases WHERE upload_id = ? AND owner = ?'),
    pauseSet: db.prepare<[number]>('UPDATE upstream_pause SET paused_until = MAX(paused_until, ?) WHERE id = 1'),
    pauseGet: db.prepare<[], number>('SELECT paused_until FROM upstream_pause WHERE id = 1').pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
