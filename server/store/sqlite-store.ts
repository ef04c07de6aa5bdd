import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AuditEntry,
  BulkCancelJob,
  CancelOutcome,
  ParsedUploadFilter,
  SortField,
  StatusCounts,
  TimelineEvent,
  UploadRecord,
} from '#contract/dashboard-api.ts';
import type { Upload, UploadPart, UploadStatus } from '#contract/uploads.ts';
import { migrations } from './migrations.ts';
import { stuckReason } from './stuck-rule.ts';
import {
  InvalidCursorError,
  type AuditQuery,
  type JobItemToDo,
  type ListPage,
  type StoreListQuery,
  type NewAuditEntry,
  type RecordContext,
  type SeenVia,
  type UploadStore,
} from './upload-store.ts';

interface UploadRow {
  rowid: number;
  id: string;
  status: UploadStatus;
  created_at: number;
  expires_at: number;
  bytes: number;
  object_json: string;
  parts_count: number;
  bytes_received: number;
  first_seen_at: number;
  last_activity_at: number;
  seen_via: SeenVia;
  cancelled_by: string | null;
  cancelled_at: number | null;
  cancel_unknown_since: number | null;
}

export interface SqliteStoreOptions {
  /** Seconds without a part after which a pending upload counts as stuck (default 10 minutes). */
  stuckAfterSeconds?: number;
}

const TERMINAL: ReadonlySet<UploadStatus> = new Set(['completed', 'cancelled', 'expired']);

/** Opens (creating if needed) the SQLite store: WAL, migrations applied, statements prepared once. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): UploadStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL is durable across process crashes (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteUploadStore(db, options.stuckAfterSeconds ?? 600);
}

export function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

// A pending upload past its expiry reads as expired even before the sweeper marks it.
const EFFECTIVE_STATUS_SQL: Record<UploadStatus, string> = {
  pending: "status = 'pending' AND expires_at > @now",
  completed: "status = 'completed'",
  cancelled: "status = 'cancelled'",
  expired: "(status = 'expired' OR (status = 'pending' AND expires_at <= @now))",
};

/** The SQL twin of stuckReason() in stuck-rule.ts (upload-queries.test.ts checks that they agree). */
const STUCK_SQL = `(status = 'pending' AND expires_at > @now AND (
  last_activity_at <= @now - @stuck_after
  OR (bytes_received > 0 AND last_activity_at > created_at AND bytes > bytes_received
      AND (bytes - bytes_received) * (last_activity_at - created_at) > bytes_received * (expires_at - @now))))`;

interface FilterSql {
  where: string[];
  params: Record<string, string | number>;
}

function filterSql(filter: ParsedUploadFilter, now: number, stuckAfter: number): FilterSql {
  const where: string[] = [];
  const params: Record<string, string | number> = { now, stuck_after: stuckAfter };
  if (filter.status) where.push(EFFECTIVE_STATUS_SQL[filter.status]);
  if (filter.stuck === true) where.push(STUCK_SQL);
  if (filter.stuck === false) where.push(`NOT ${STUCK_SQL}`);
  if (filter.purpose) {
    where.push('purpose = @purpose');
    params.purpose = filter.purpose;
  }
  if (filter.older_than !== undefined) {
    where.push('created_at <= @older_cutoff');
    params.older_cutoff = now - filter.older_than;
  }
  if (filter.newer_than !== undefined) {
    where.push('created_at >= @newer_cutoff');
    params.newer_cutoff = now - filter.newer_than;
  }
  if (filter.q) {
    const q = filter.q;
    if (/^upload_[A-Za-z0-9_-]*$/.test(q)) {
      // An id or id prefix: a range on the primary key.
      where.push('id >= @q_from AND id < @q_to');
      params.q_from = q;
      params.q_to = `${q}\u{10FFFF}`;
    } else if ([...q].length >= 3) {
      // The trigram index finds substrings of three characters or more, case-insensitively.
      where.push('rowid IN (SELECT rowid FROM uploads_search WHERE uploads_search MATCH @q_match)');
      params.q_match = `"${q.replaceAll('"', '""')}"`;
    } else {
      where.push("filename LIKE @q_like ESCAPE '\\'");
      params.q_like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
  }
  return { where, params };
}

interface Cursor {
  sort: SortField;
  order: 'asc' | 'desc';
  value: number;
  id: string;
}

// Cursors are opaque to clients: base64url JSON of the sort and the last row served.
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string, sort: SortField, order: 'asc' | 'desc'): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursorError();
  const [s, o, value, id] = parsed as unknown[];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || typeof id !== 'string' || !/^upload_[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw new InvalidCursorError();
  }
  if (s !== sort || o !== order) throw new InvalidCursorError('The cursor belongs to a different sort order');
  return { sort, order, value, id };
}

class SqliteUploadStore implements UploadStore {
  private readonly stmt;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly stuckAfter: number,
  ) {
    this.stmt = {
      get: db.prepare<[string], UploadRow>('SELECT rowid, * FROM uploads WHERE id = ?'),
      insert: db.prepare(`
        INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object_json,
          parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at)
        VALUES (@id, @status, @created_at, @expires_at, @bytes, @filename, @purpose, @object_json,
          @parts_count, @bytes_received, @at, @at, @via, @cancelled_by, @cancelled_at)`),
      update: db.prepare(`
        UPDATE uploads SET status = @status, expires_at = @expires_at, bytes = @bytes, filename = @filename,
          purpose = @purpose, object_json = @object_json, last_activity_at = MAX(last_activity_at, @at),
          cancelled_by = @cancelled_by, cancelled_at = @cancelled_at,
          cancel_unknown_since = CASE WHEN @status = 'pending' THEN cancel_unknown_since END
        WHERE id = @id`),
      setStatus: db.prepare(`
        UPDATE uploads SET status = @status, object_json = json_set(object_json, '$.status', @status),
          last_activity_at = MAX(last_activity_at, @at), cancel_unknown_since = NULL
        WHERE id = @id AND status = 'pending'`),
      markUnknown: db.prepare("UPDATE uploads SET cancel_unknown_since = COALESCE(cancel_unknown_since, @at) WHERE id = @id AND status = 'pending'"),
      clearUnknown: db.prepare('UPDATE uploads SET cancel_unknown_since = NULL WHERE id = ? AND cancel_unknown_since IS NOT NULL'),
      // A row whose cancel may have landed is left for the reconciler to settle, not marked expired here.
      unknownCancels: db.prepare<[number], string>("SELECT id FROM uploads WHERE cancel_unknown_since IS NOT NULL AND status = 'pending' ORDER BY cancel_unknown_since LIMIT ?"),
      touch: db.prepare('UPDATE uploads SET last_activity_at = MAX(last_activity_at, @at) WHERE id = @id'),
      partTotals: db.prepare<[string], { n: number; total: number | null }>(
        'SELECT COUNT(*) AS n, SUM(bytes) AS total FROM upload_parts WHERE upload_id = ?',
      ),
      insertPart: db.prepare(
        'INSERT OR IGNORE INTO upload_parts (id, upload_id, bytes, created_at) VALUES (@id, @upload_id, @bytes, @created_at)',
      ),
      addPartToUpload: db.prepare(`
        UPDATE uploads SET parts_count = parts_count + 1, bytes_received = bytes_received + @bytes,
          last_activity_at = MAX(last_activity_at, @at)
        WHERE id = @upload_id`),
      event: db.prepare(
        'INSERT INTO upload_events (upload_id, at, kind, actor, detail) VALUES (@upload_id, @at, @kind, @actor, @detail)',
      ),
      counters: db.prepare<[], { status: UploadStatus; n: number }>('SELECT status, n FROM upload_counts'),
      lapsed: db.prepare<{ now: number }, { n: number }>("SELECT COUNT(*) AS n FROM uploads WHERE status = 'pending' AND expires_at <= @now"),
      stuckCount: db.prepare<{ now: number; stuck_after: number }, { n: number }>(`SELECT COUNT(*) AS n FROM uploads WHERE ${STUCK_SQL}`),
      expire: db.prepare<{ now: number; limit: number }, UploadRow>(`
        UPDATE uploads SET status = 'expired', object_json = json_set(object_json, '$.status', 'expired')
        WHERE rowid IN (SELECT rowid FROM uploads WHERE status = 'pending' AND expires_at <= @now AND cancel_unknown_since IS NULL ORDER BY expires_at LIMIT @limit)
        RETURNING rowid, *`),
      events: db.prepare<[string], { at: number; kind: string; actor: string | null; detail: string | null }>(
        'SELECT at, kind, actor, detail FROM upload_events WHERE upload_id = ? ORDER BY seq',
      ),
      auditInsert: db.prepare(`
        INSERT INTO audit_log (at, actor, action, source, upload_id, reason, previous_status, outcome, upstream_status, request_id, job_id, message)
        VALUES (@at, @actor, 'cancel', @source, @upload_id, @reason, @previous_status, @outcome, @upstream_status, @request_id, @job_id, @message)
        RETURNING id`),
      jobInsert: db.prepare(
        "INSERT INTO bulk_jobs (id, state, created_by, created_at, reason, total) VALUES (@id, 'running', @created_by, @created_at, @reason, @total)",
      ),
      jobItemInsert: db.prepare('INSERT INTO bulk_job_items (job_id, seq, upload_id) VALUES (?, ?, ?)'),
      jobGet: db.prepare<[string], JobRow>('SELECT * FROM bulk_jobs WHERE id = ?'),
      jobProgress: db.prepare<[string], { outcome: string | null; n: number }>(
        'SELECT outcome, COUNT(*) AS n FROM bulk_job_items WHERE job_id = ? GROUP BY outcome',
      ),
      jobItems: db.prepare<[string], { upload_id: string; outcome: string | null; message: string | null; upstream_status: number | null }>(
        "SELECT upload_id, outcome, message, upstream_status FROM bulk_job_items WHERE job_id = ? AND outcome IS NOT NULL AND outcome <> 'cancelled' ORDER BY seq",
      ),
      jobItemsCancelled: db.prepare<[string], { upload_id: string; outcome: string | null; message: string | null; upstream_status: number | null }>(
        "SELECT upload_id, outcome, message, upstream_status FROM bulk_job_items WHERE job_id = ? AND outcome = 'cancelled' ORDER BY seq LIMIT 1000",
      ),
      jobTodo: db.prepare<{ job_id: string; after: number; limit: number }, JobItemToDo>(
        'SELECT seq, upload_id FROM bulk_job_items WHERE job_id = @job_id AND outcome IS NULL AND seq > @after ORDER BY seq LIMIT @limit',
      ),
      jobItemFinish: db.prepare(`
        UPDATE bulk_job_items SET outcome = @outcome, message = @message, upstream_status = @upstream_status
        WHERE job_id = @job_id AND seq = @seq AND outcome IS NULL`),
      jobFinish: db.prepare("UPDATE bulk_jobs SET state = 'done', finished_at = @at, concurrency = MAX(concurrency, @concurrency) WHERE id = @id"),
      jobsByState: db.prepare<[string], JobRow>('SELECT * FROM bulk_jobs WHERE state = ? ORDER BY created_at DESC LIMIT 50'),
      jobsRunning: db.prepare<[], JobRow>("SELECT * FROM bulk_jobs WHERE state = 'running' ORDER BY created_at"),
      jobsAll: db.prepare<[], JobRow>('SELECT * FROM bulk_jobs ORDER BY created_at DESC LIMIT 50'),
    };
  }

  // ---- uploads -------------------------------------------------------------------------------

  private readonly recordTx = (upload: Upload, ctx: RecordContext): UploadRow => {
    const existing = this.stmt.get.get(upload.id);
    const object_json = JSON.stringify(upload);
    const becameCancelled = upload.status === 'cancelled' && existing?.cancelled_at == null;
    if (!existing) {
      // Parts may have been seen before the upload itself (it was created elsewhere).
      const parts = this.stmt.partTotals.get(upload.id)!;
      this.stmt.insert.run({
        ...pickColumns(upload),
        object_json,
        parts_count: parts.n,
        bytes_received: parts.total ?? 0,
        at: ctx.at,
        via: ctx.via,
        cancelled_by: becameCancelled ? (ctx.actor ?? null) : null,
        cancelled_at: becameCancelled ? ctx.at : null,
      });
      this.event(upload.id, ctx.at, ctx.via === 'create' ? 'created' : 'seen', ctx.actor, JSON.stringify({ via: ctx.via, status: upload.status }));
    } else if (TERMINAL.has(existing.status) && upload.status === 'pending') {
      // A stale pending object (e.g. a slow create answer) must not resurrect a finished upload.
      this.stmt.touch.run({ id: upload.id, at: ctx.at });
    } else {
      this.stmt.update.run({
        ...pickColumns(upload),
        object_json,
        at: ctx.at,
        cancelled_by: becameCancelled ? (ctx.actor ?? null) : existing.cancelled_by,
        cancelled_at: becameCancelled ? ctx.at : existing.cancelled_at,
      });
    }
    if (existing !== undefined && existing.status !== upload.status && upload.status !== 'pending' && !TERMINAL.has(existing.status)) {
      this.event(upload.id, ctx.at, upload.status, ctx.actor, null);
    }
    return this.stmt.get.get(upload.id)!;
  };

  private event(upload_id: string, at: number, kind: string, actor: string | null | undefined, detail: string | null) {
    this.stmt.event.run({ upload_id, at, kind, actor: actor ?? null, detail });
  }

  async recordUpload(upload: Upload, ctx: RecordContext): Promise<UploadRecord> {
    const row = this.db.transaction(this.recordTx)(upload, ctx);
    return this.toRecord(row, ctx.at);
  }

  async recordPart(part: UploadPart, bytes: number, at: number): Promise<UploadRecord | null> {
    const row = this.db.transaction(() => {
      const inserted = this.stmt.insertPart.run({ id: part.id, upload_id: part.upload_id, bytes, created_at: part.created_at });
      if (inserted.changes === 0) return undefined; // the same part recorded twice counts once
      this.stmt.addPartToUpload.run({ upload_id: part.upload_id, bytes, at });
      this.event(part.upload_id, at, 'part', null, JSON.stringify({ part_id: part.id, bytes }));
      return this.stmt.get.get(part.upload_id);
    })();
    return row ? this.toRecord(row, at) : null;
  }

  async recordStatus(id: string, status: Exclude<UploadStatus, 'pending'>, at: number): Promise<UploadRecord | null> {
    const row = this.db.transaction(() => {
      if (this.stmt.setStatus.run({ id, status, at }).changes === 0) return undefined;
      this.event(id, at, status, null, JSON.stringify({ learned: 'from an upstream refusal' }));
      return this.stmt.get.get(id);
    })();
    return row ? this.toRecord(row, at) : null;
  }

  async getUpload(id: string, now: number): Promise<UploadRecord | null> {
    const row = this.stmt.get.get(id);
    return row ? this.toRecord(row, now) : null;
  }

  async getUploads(ids: readonly string[], now: number): Promise<Map<string, UploadRecord>> {
    const found = new Map<string, UploadRecord>();
    for (const id of ids) {
      const row = this.stmt.get.get(id);
      if (row) found.set(id, this.toRecord(row, now));
    }
    return found;
  }

  async listUploads(query: StoreListQuery, now: number): Promise<ListPage> {
    const { where, params } = filterSql(query, now, this.stuckAfter);
    const sort = query.sort ?? 'created_at';
    const order = query.order ?? 'desc';
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor, sort, order);
      where.push(`(${sort}, id) ${order === 'desc' ? '<' : '>'} (@after_value, @after_id)`);
      params.after_value = cursor.value;
      params.after_id = cursor.id;
    }
    const sql = `SELECT rowid, * FROM uploads ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${sort} ${order}, id ${order} LIMIT @limit`;
    const rows = this.prepared(sql).all({ ...params, limit: query.limit + 1 }) as UploadRow[];
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => this.toRecord(row, now)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ sort, order, value: last[sort], id: last.id }) : null,
    };
  }

  async pendingIdsMatching(filter: ParsedUploadFilter, now: number, limit: number): Promise<string[]> {
    // Only pending uploads can be cancelled: a filter on any other status matches none of them.
    if (filter.status !== undefined && filter.status !== 'pending') return [];
    const { where, params } = filterSql(filter, now, this.stuckAfter);
    if (filter.status === undefined) where.push(EFFECTIVE_STATUS_SQL.pending);
    const sql = `SELECT id FROM uploads WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return this.prepared(sql).pluck().all({ ...params, limit }) as string[];
  }

  async countMatching(filter: ParsedUploadFilter, now: number): Promise<{ cancellable: number; skipped: number }> {
    const { where, params } = filterSql(filter, now, this.stuckAfter);
    const sql = `SELECT COUNT(*) AS total, COALESCE(SUM(${EFFECTIVE_STATUS_SQL.pending}), 0) AS cancellable FROM uploads
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const { total, cancellable } = this.prepared(sql).get(params) as { total: number; cancellable: number };
    return { cancellable, skipped: total - cancellable };
  }

  async countByStatus(now: number): Promise<StatusCounts> {
    const counts: StatusCounts = { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };
    for (const { status, n } of this.stmt.counters.all()) counts[status] += n;
    // Pending uploads past expiry that the sweeper has not marked yet: an index range, usually empty.
    const lapsed = this.stmt.lapsed.get({ now })!.n;
    counts.pending -= lapsed;
    counts.expired += lapsed;
    counts.stuck = this.stmt.stuckCount.get({ now, stuck_after: this.stuckAfter })!.n;
    return counts;
  }

  async expireLapsed(now: number, limit: number): Promise<UploadRecord[]> {
    const rows = this.db.transaction(() => {
      const expired = this.stmt.expire.all({ now, limit });
      for (const row of expired) this.event(row.id, row.expires_at, 'expired', null, null);
      return expired;
    })();
    return rows.map((row) => this.toRecord(row, now));
  }

  async timeline(id: string): Promise<TimelineEvent[]> {
    // One log, in the order things happened (seq), whatever second they share.
    return this.stmt.events.all(id).map((e) => ({ at: e.at, kind: e.kind as TimelineEvent['kind'], actor: e.actor, message: describeEvent(e.kind, e.actor, e.detail) }));
  }

  async recordCancel(entry: Omit<NewAuditEntry, 'previous_status'>, upload: Upload | null): Promise<{ record: UploadRecord | null; audit: AuditEntry }> {
    const { row, id, previous } = this.db.transaction(() => {
      const before = this.stmt.get.get(entry.upload_id);
      const recorded = upload ? this.recordTx(upload, { at: entry.at, via: 'cancel', actor: entry.actor }) : before;
      const audit = { ...entry, previous_status: before?.status ?? null };
      const inserted = this.stmt.auditInsert.get(audit) as { id: number };
      if (entry.outcome !== 'cancelled') {
        this.event(entry.upload_id, entry.at, 'cancel_attempt', entry.actor, JSON.stringify({ outcome: entry.outcome, message: entry.message }));
      }
      return { row: recorded, id: inserted.id, previous: audit.previous_status };
    })();
    const filename = row ? (JSON.parse(row.object_json) as Upload).filename : null;
    return {
      record: upload && row ? this.toRecord(row, entry.at) : null,
      audit: { ...entry, previous_status: previous, id, action: 'cancel', filename },
    };
  }

  async markCancelUnknown(id: string, at: number): Promise<UploadRecord | null> {
    if (this.stmt.markUnknown.run({ id, at }).changes === 0) return null;
    return this.getUpload(id, at);
  }

  async clearCancelUnknown(id: string, now: number): Promise<UploadRecord | null> {
    if (this.stmt.clearUnknown.run(id).changes === 0) return null;
    return this.getUpload(id, now);
  }

  async cancelsWithUnknownOutcome(limit: number): Promise<string[]> {
    return this.stmt.unknownCancels.pluck().all(limit) as string[];
  }

  // ---- audit ---------------------------------------------------------------------------------

  async recordAudit(entry: NewAuditEntry, jobItem?: { seq: number }): Promise<AuditEntry | null> {
    const id = this.db.transaction(() => {
      if (jobItem && entry.job_id) {
        const settled = this.stmt.jobItemFinish.run({
          job_id: entry.job_id,
          seq: jobItem.seq,
          outcome: entry.outcome,
          message: entry.message,
          upstream_status: entry.upstream_status,
        });
        if (settled.changes === 0) return null; // this item's outcome is already written: say nothing twice
      }
      const inserted = this.stmt.auditInsert.get(entry) as { id: number };
      // A successful cancel shows in the timeline as 'cancelled'; an attempt that did not is news too.
      if (entry.outcome !== 'cancelled') {
        this.event(entry.upload_id, entry.at, 'cancel_attempt', entry.actor, JSON.stringify({ outcome: entry.outcome, message: entry.message }));
      }
      return inserted.id;
    })();
    if (id === null) return null;
    const filename = this.stmt.get.get(entry.upload_id)?.object_json;
    return { ...entry, id, action: 'cancel', filename: filename ? (JSON.parse(filename) as Upload).filename : null };
  }

  async listAudit(query: AuditQuery): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit + 1 };
    for (const key of ['actor', 'outcome', 'source', 'upload_id'] as const) {
      const value = query[key];
      if (value !== undefined) {
        where.push(`a.${key} = @${key}`);
        params[key] = value;
      }
    }
    if (query.cursor !== undefined) {
      if (!/^\d{1,15}$/.test(query.cursor)) throw new InvalidCursorError();
      where.push('a.id < @before');
      params.before = Number(query.cursor);
    }
    const sql = `${AUDIT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT @limit`;
    const rows = this.prepared(sql).all(params) as AuditEntry[];
    const page = rows.slice(0, query.limit);
    return { data: page, nextCursor: rows.length > query.limit ? String(page.at(-1)!.id) : null };
  }

  // ---- bulk jobs -----------------------------------------------------------------------------

  async createJob(job: { id: string; created_by: string; created_at: number; reason: string | null }, uploadIds: readonly string[]): Promise<BulkCancelJob> {
    this.db.transaction(() => {
      this.stmt.jobInsert.run({ ...job, total: uploadIds.length });
      uploadIds.forEach((uploadId, seq) => this.stmt.jobItemInsert.run(job.id, seq + 1, uploadId));
    })();
    return (await this.getJob(job.id, false))!;
  }

  async getJob(id: string, withItems: boolean): Promise<BulkCancelJob | null> {
    const row = this.stmt.jobGet.get(id);
    if (!row) return null;
    const job = this.toJob(row);
    if (withItems) {
      job.items = [...this.stmt.jobItems.all(id), ...this.stmt.jobItemsCancelled.all(id)].map((item) => ({
        upload_id: item.upload_id,
        outcome: item.outcome as CancelOutcome | null,
        message: item.message,
        upstream_status: item.upstream_status,
      }));
    }
    return job;
  }

  async runningJobs(): Promise<BulkCancelJob[]> {
    return this.stmt.jobsRunning.all().map((row) => this.toJob(row));
  }

  async listJobs(state?: BulkCancelJob['state']): Promise<BulkCancelJob[]> {
    const rows = state ? this.stmt.jobsByState.all(state) : this.stmt.jobsAll.all();
    return rows.map((row) => this.toJob(row));
  }

  async jobItemsToDo(jobId: string, afterSeq: number, limit: number): Promise<JobItemToDo[]> {
    return this.stmt.jobTodo.all({ job_id: jobId, after: afterSeq, limit });
  }

  async finishJobItem(jobId: string, seq: number, result: { outcome: CancelOutcome | null; message: string | null; upstream_status: number | null }): Promise<void> {
    this.stmt.jobItemFinish.run({ job_id: jobId, seq, ...result });
  }

  async finishJob(jobId: string, at: number, concurrency: number): Promise<BulkCancelJob | null> {
    this.stmt.jobFinish.run({ id: jobId, at, concurrency });
    return this.getJob(jobId, false);
  }

  private toJob(row: JobRow): BulkCancelJob {
    const progress = { pending: 0, cancelled: 0, already_finished: 0, not_found: 0, failed: 0, unknown: 0, skipped: 0 };
    for (const { outcome, n } of this.stmt.jobProgress.all(row.id)) {
      progress[(outcome ?? 'pending') as keyof typeof progress] += n;
    }
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

  // ---- plumbing ------------------------------------------------------------------------------

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // Filter combinations are few; keep their statements.
      if (this.statements.size < 500) this.statements.set(sql, statement);
    }
    return statement;
  }

  private toRecord(row: UploadRow, now: number): UploadRecord {
    // Stored objects were validated on the way in; re-parsing each row would only cost time.
    const upload = JSON.parse(row.object_json) as Upload;
    const status: UploadStatus = row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status;
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
      stuck: status === 'pending' ? stuckReason(row, now, this.stuckAfter) : null,
      cancel_outcome_unknown: status === 'pending' && row.cancel_unknown_since !== null,
    };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

interface JobRow {
  id: string;
  state: BulkCancelJob['state'];
  created_by: string;
  created_at: number;
  finished_at: number | null;
  reason: string | null;
  total: number;
  concurrency: number;
}

const AUDIT_SELECT = `SELECT a.id, a.at, a.actor, a.action, a.source, a.upload_id,
  json_extract(u.object_json, '$.filename') AS filename, a.reason, a.previous_status, a.outcome,
  a.upstream_status, a.request_id, a.job_id, a.message
  FROM audit_log a LEFT JOIN uploads u ON u.id = a.upload_id`;

function pickColumns(upload: Upload) {
  return {
    id: upload.id,
    status: upload.status,
    created_at: upload.created_at,
    expires_at: upload.expires_at,
    bytes: upload.bytes,
    filename: upload.filename,
    purpose: upload.purpose,
  };
}

function describeEvent(kind: string, actor: string | null, detail: string | null): string {
  const by = actor ? ` by ${actor}` : '';
  const info = detail ? (JSON.parse(detail) as { via?: string; bytes?: number; part_id?: string; learned?: string; outcome?: CancelOutcome; message?: string | null }) : {};
  switch (kind) {
    case 'created':
      return `Created${by}`;
    case 'seen':
      return `First seen through ${info.via === 'cancel' ? 'a cancel by id' : `a ${info.via ?? 'call'}`}${by}`;
    case 'part':
      return `Part ${info.part_id ?? ''} received: ${(info.bytes ?? 0).toLocaleString('en-US')} bytes`;
    case 'completed':
      return 'Completed';
    case 'cancelled':
      return `Cancelled${by}`;
    case 'cancel_attempt':
      return describeAttempt(actor ?? 'someone', info.outcome ?? 'failed', info.message ?? null);
    case 'expired':
      return info.learned ? `Expired (${info.learned})` : 'Expired: an hour passed without completion';
    default:
      return info.learned ? `Became ${kind} (${info.learned})` : kind;
  }
}

function describeAttempt(actor: string, outcome: CancelOutcome, message: string | null): string {
  const what = { already_finished: 'it had already finished', not_found: 'OpenAI does not know it', failed: 'it failed', unknown: 'its outcome is unknown', skipped: 'it was skipped', cancelled: 'it worked' }[outcome];
  return `Cancel by ${actor}: ${what}${message ? ` (${message})` : ''}`;
}
