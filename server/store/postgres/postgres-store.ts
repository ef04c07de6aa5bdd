// The UploadStore on PostgreSQL, written directly on `pg` (one pool, parameterised SQL). It answers
// exactly as the SQLite store does (store-contract.ts runs against both); what is shared between
// them (merge rule, record mapping, cursors, stuck rule, timeline wording, job progress) is
// imported, what is engine-specific is here. Safe with several replicas writing at once: every
// read-then-write on an upload runs under a per-upload advisory lock, bulk items and jobs are
// settled with conditional UPDATEs, claims of shared work (bulk items, doubtful cancels) queue on
// an advisory lock of their own so leases and the concurrency cap hold across replicas, and
// migrations run under an advisory lock.
import type pg from 'pg';
import {
  SORT_FIELDS,
  type AuditEntry,
  type BulkCancelJob,
  type CancelOutcome,
  type ClientCounts,
  type StatusCounts,
  type TimelineEvent,
  type UploadRecord,
} from '#contract/dashboard-api.ts';
import type { Upload, UploadPart, UploadStatus } from '#contract/uploads.ts';
import { createStuckRule, stuckSql, type StuckRule } from '#server/domain/stuck-rule.ts';
import { activityFromRows, activityTableSize, type ActivityRange, type ActivityRow } from '#server/store/activity-buckets.ts';
import { decodeAuditCursor, decodeListCursor, encodeAuditCursor, nextListCursor } from '#server/store/cursor.ts';
import { toJob, type StoredJob } from '#server/store/job-progress.ts';
import { PostgresPolicyStore } from '#server/store/postgres/postgres-policy-store.ts';
import { migratePostgres } from '#server/store/postgres/migrate.ts';
import { createPostgresPool, inTransaction, type PostgresPoolOptions } from '#server/store/postgres/pool.ts';
import { claimAlerts, enqueueAlert, purgeSettledAlerts, settleAlert, transitionAlertState } from '#server/store/postgres/alert-sql.ts';
import { purgeAuditEntries, purgeFinishedUploads } from '#server/store/postgres/retention-sql.ts';
import { parseSearch, likeContaining } from '#server/store/search-query.ts';
import { toTimelineEvent, type EventDetail } from '#server/store/timeline-wording.ts';
import { planMerge } from '#server/store/upload-merge.ts';
import { clientOf, effectiveStatusSql, toUploadRecord, withLiveAndLapsed, type StoredUpload, type StoredUploadColumns } from '#server/store/upload-record.ts';
import {
  JOB_CANCELLED_ITEMS_SHOWN,
  JOB_LIST_LIMIT,
  type AlertAttempt,
  type AuditQuery,
  type CancelChange,
  type ClaimedAlert,
  type CancelWrite,
  type CancelWritten,
  type ClaimedJobItem,
  type JobItemKey,
  type JobItemToDo,
  type LeaseTerms,
  type ListPage,
  type NewAlert,
  type NewAuditEntry,
  type RecordContext,
  type StoreListQuery,
  type StoreUploadFilter,
  type UnknownCancelClaim,
  type UploadStore,
} from '#server/store/upload-store.ts';

export interface PostgresStoreOptions extends PostgresPoolOptions {
  /** When a pending upload counts as stuck (default: createStuckRule()). */
  stuckRule?: StuckRule;
}

/** Connects, applies pending migrations (safe when several replicas start at once), and returns the store. */
export async function openPostgresStore(connectionString: string, options: PostgresStoreOptions = {}): Promise<UploadStore> {
  const pool = createPostgresPool(connectionString, options);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresUploadStore(pool, options.stuckRule ?? createStuckRule());
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** What UPLOAD_COLUMNS returns: the shared columns, and the Upload object as jsonb. */
interface UploadRow extends StoredUploadColumns {
  id: string;
  object: Upload;
}

const UPLOAD_COLUMNS =
  'id, status, object, parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at, cancel_unknown_since, client_name, client_sdk';

const asStored = (row: UploadRow): StoredUpload => ({ ...row, upload: row.object });

// Transaction-level, keyed by upload id: serialises writers of one upload across connections and
// replicas, including the first insert (a row lock cannot lock a row that does not exist yet).
const LOCK_UPLOAD_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('upload:' || $1::text, 0))";

// Any constants work, as long as nothing else in the database takes the same advisory locks.
const CLAIM_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('uploads-console:bulk-claim', 0))";
const RECONCILE_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('uploads-console:reconcile-claim', 0))";

const AUDIT_COLUMNS = `a.id, a.at, a.actor, a.action, a.source, a.upload_id, u.filename, a.reason, a.previous_status,
  a.outcome, a.upstream_status, a.request_id, a.job_id, a.message, a.client_name, a.client_sdk`;

/** A row of AUDIT_COLUMNS: the entry, with its client as two columns. */
type AuditRow = Omit<AuditEntry, 'client'> & { client_name: string | null; client_sdk: string | null };

/** Stands for the bound `now` in shared SQL fragments until we know the fragment uses it. */
const NOW_TOKEN = '{{now}}';

const JOB_COLUMNS = 'id, state, created_by, created_at, finished_at, reason, total, concurrency';

const LEARNED_FROM_REFUSAL: EventDetail = { learned: 'from an upstream refusal' };

class PostgresUploadStore implements UploadStore {
  readonly policies: PostgresPolicyStore;

  constructor(
    private readonly pool: pg.Pool,
    private readonly stuckRule: StuckRule,
  ) {
    this.policies = new PostgresPolicyStore(pool);
  }

  // ---- uploads -------------------------------------------------------------------------------

  async recordUpload(upload: Upload, ctx: RecordContext): Promise<UploadRecord> {
    const row = await this.transaction((c) => this.merge(c, upload, ctx));
    return this.toRecord(row, ctx.at);
  }

  /**
   * The merge rule (upload-merge.ts), inside the caller's transaction. `locked`: the caller has
   * already taken the upload's lock and read its row in this transaction (`row`, undefined when
   * none): two round trips fewer.
   */
  private async merge(c: Queryable, upload: Upload, ctx: RecordContext, locked?: { row: UploadRow | undefined }): Promise<UploadRow> {
    if (!locked) await c.query(LOCK_UPLOAD_SQL, [upload.id]);
    const existing = locked ? locked.row : await this.lockedRow(c, upload.id);
    const plan = planMerge(existing, upload, ctx);
    let row: UploadRow | undefined;
    switch (plan.kind) {
      case 'insert': {
        // Parts may have been seen before the upload itself (it was created elsewhere).
        ({ rows: [row] } = await c.query<UploadRow>(
          `INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object,
             parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at, client_name, client_sdk)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
             (SELECT COUNT(*) FROM upload_parts WHERE upload_id = $1), (SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE upload_id = $1),
             $9, $9, $10, $11, $12, $13, $14)
           RETURNING ${UPLOAD_COLUMNS}`,
          [
            upload.id,
            upload.status,
            upload.created_at,
            upload.expires_at,
            upload.bytes,
            upload.filename,
            upload.purpose,
            upload,
            ctx.at,
            ctx.via,
            plan.cancelled_by,
            plan.cancelled_at,
            ctx.client?.name ?? null,
            ctx.client?.sdk ?? null,
          ],
        ));
        await this.event(c, upload.id, ctx.at, plan.event, ctx.actor, { via: ctx.via, status: upload.status });
        break;
      }
      case 'touch':
        ({ rows: [row] } = await c.query<UploadRow>(
          `UPDATE uploads SET last_activity_at = GREATEST(last_activity_at, $2) WHERE id = $1 RETURNING ${UPLOAD_COLUMNS}`,
          [upload.id, ctx.at],
        ));
        break;
      case 'update':
        // created_at stays as first recorded (as in the SQLite store): the upstream never changes it.
        ({ rows: [row] } = await c.query<UploadRow>(
          `UPDATE uploads SET status = $2, expires_at = $3, bytes = $4, filename = $5, purpose = $6, object = $7,
             last_activity_at = GREATEST(last_activity_at, $8), cancelled_by = $9, cancelled_at = $10,
             cancel_unknown_since = CASE WHEN $2 = 'pending' THEN cancel_unknown_since END
           WHERE id = $1 RETURNING ${UPLOAD_COLUMNS}`,
          [upload.id, upload.status, upload.expires_at, upload.bytes, upload.filename, upload.purpose, upload, ctx.at, plan.cancelled_by, plan.cancelled_at],
        ));
        if (plan.statusEvent) await this.event(c, upload.id, ctx.at, plan.statusEvent, ctx.actor, null);
        break;
    }
    // The first client seen is the owner: only an upload without one takes one.
    if (ctx.client && existing && existing.client_name === null) {
      ({ rows: [row] } = await c.query<UploadRow>(
        `UPDATE uploads SET client_name = $2, client_sdk = $3 WHERE id = $1 AND client_name IS NULL RETURNING ${UPLOAD_COLUMNS}`,
        [upload.id, ctx.client.name, ctx.client.sdk],
      ));
    }
    return row!;
  }

  async recordPart(part: UploadPart, bytes: number, at: number): Promise<UploadRecord | null> {
    const row = await this.transaction(async (c) => {
      await c.query(LOCK_UPLOAD_SQL, [part.upload_id]);
      const inserted = await c.query('INSERT INTO upload_parts (id, upload_id, bytes, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
        part.id,
        part.upload_id,
        bytes,
        part.created_at,
      ]);
      if (inserted.rowCount === 0) return undefined; // the same part recorded twice counts once
      const { rows } = await c.query<UploadRow>(
        `UPDATE uploads SET parts_count = parts_count + 1, bytes_received = bytes_received + $2, last_activity_at = GREATEST(last_activity_at, $3)
         WHERE id = $1 RETURNING ${UPLOAD_COLUMNS}`,
        [part.upload_id, bytes, at],
      );
      await this.event(c, part.upload_id, at, 'part', null, { part_id: part.id, bytes });
      return rows[0];
    });
    return row ? this.toRecord(row, at) : null;
  }

  async recordStatus(id: string, status: Exclude<UploadStatus, 'pending'>, at: number): Promise<UploadRecord | null> {
    const row = await this.transaction((c) => this.learnStatus(c, id, status, at));
    return row ? this.toRecord(row, at) : null;
  }

  /** A status learned without an object: recorded only while the stored status is pending. */
  private async learnStatus(c: Queryable, id: string, status: Exclude<UploadStatus, 'pending'>, at: number): Promise<UploadRow | undefined> {
    const { rows } = await c.query<UploadRow>(
      `UPDATE uploads SET status = $2, object = jsonb_set(object, '{status}', to_jsonb($2::text)),
         last_activity_at = GREATEST(last_activity_at, $3), cancel_unknown_since = NULL
       WHERE id = $1 AND status = 'pending' RETURNING ${UPLOAD_COLUMNS}`,
      [id, status, at],
    );
    if (rows[0]) await this.event(c, id, at, status, null, LEARNED_FROM_REFUSAL);
    return rows[0];
  }

  async getUpload(id: string, now: number): Promise<UploadRecord | null> {
    const { rows } = await this.pool.query<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = $1`, [id]);
    return rows[0] ? this.toRecord(rows[0], now) : null;
  }

  async getUploads(ids: readonly string[], now: number): Promise<Map<string, UploadRecord>> {
    const found = new Map<string, UploadRecord>();
    if (ids.length === 0) return found;
    const { rows } = await this.pool.query<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    // In the order asked, as the SQLite store answers.
    for (const id of ids) {
      const row = byId.get(id);
      if (row && !found.has(id)) found.set(id, this.toRecord(row, now));
    }
    return found;
  }

  async listUploads(query: StoreListQuery, now: number): Promise<ListPage> {
    const sort = query.sort ?? 'created_at';
    const order = query.order ?? 'desc';
    // Both are spliced into the SQL: accept only the known words.
    if (!SORT_FIELDS.includes(sort) || (order !== 'asc' && order !== 'desc')) throw new TypeError(`Unknown sort ${sort} ${order}`);
    const params = new SqlParams();
    const where = this.filterSql(query, now, params);
    if (query.cursor !== undefined) {
      const cursor = decodeListCursor(query.cursor, sort, order);
      where.push(`(${sort}, id) ${order === 'desc' ? '<' : '>'} (${params.add(cursor.value, 'bigint')}, ${params.add(cursor.id, 'text')})`);
    }
    const orderBy = `ORDER BY ${sort} ${order}, id ${order}`;
    const limit = `LIMIT ${params.add(query.limit + 1, 'integer')}`;
    // A filename search picks the page's ids first: walking uploads_by_created, which carries the
    // folded filename, it tests each upload without reading its row, and reads only the page's rows.
    const sql =
      query.q && parseSearch(query.q).kind === 'filename'
        ? `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id IN (SELECT id FROM uploads ${whereSql(where)} ${orderBy} ${limit}) ${orderBy}`
        : `SELECT ${UPLOAD_COLUMNS} FROM uploads ${whereSql(where)} ${orderBy} ${limit}`;
    const { rows } = await this.pool.query<UploadRow>(sql, params.values);
    const page = rows.slice(0, query.limit).map((row) => this.toRecord(row, now));
    return { data: page, nextCursor: nextListCursor(page, rows.length > query.limit, sort, order) };
  }

  async pendingIdsMatching(filter: StoreUploadFilter, now: number, limit: number): Promise<string[]> {
    // Only pending uploads can be cancelled: a filter on any other status matches none of them.
    if (filter.status !== undefined && filter.status !== 'pending') return [];
    const params = new SqlParams();
    const where = this.filterSql(filter, now, params);
    if (filter.status === undefined) where.push(effectiveStatusSql('pending', params.add(now, 'bigint')));
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM uploads ${whereSql(where)} ORDER BY created_at DESC, id DESC LIMIT ${params.add(limit, 'integer')}`,
      params.values,
    );
    return rows.map((row) => row.id);
  }

  async countMatching(filter: StoreUploadFilter, now: number): Promise<{ cancellable: number; skipped: number }> {
    const params = new SqlParams();
    const where = this.filterSql(filter, now, params);
    const { rows } = await this.pool.query<{ total: number; cancellable: number }>(
      `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE ${effectiveStatusSql('pending', params.add(now, 'bigint'))}) AS cancellable
       FROM uploads ${whereSql(where)}`,
      params.values,
    );
    const { total, cancellable } = rows[0]!;
    return { cancellable, skipped: total - cancellable };
  }

  async countByStatus(now: number): Promise<StatusCounts> {
    // The four stored counts come from the trigger-kept table. Of the stored pending ones, only the
    // live ones (not expired yet) are walked, one index range over (status, expires_at) that counts
    // them and the stuck among them; the lapsed ones (past expiry, not swept yet: as many as the
    // sweeper is behind) are the stored pending count minus the live ones. One statement, so the
    // counts table and the range are read in the same snapshot.
    const { rows } = await this.pool.query<{ status: string; n: number }>(
      `SELECT status, n FROM upload_counts
       UNION ALL SELECT t.status, t.n FROM (
         SELECT COUNT(*) AS live, COUNT(*) FILTER (WHERE ${stuckSql({ now: '$1::bigint', stuckAfter: '$2::bigint' })}) AS stuck
         FROM uploads WHERE status = 'pending' AND expires_at > $1::bigint) AS p,
       LATERAL (VALUES ('live', p.live), ('stuck', p.stuck)) AS t (status, n)`,
      [now, this.stuckRule.afterSeconds],
    );
    const stored: StatusCounts = { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };
    let live = 0;
    for (const { status, n } of rows) {
      if (status === 'live') live = n;
      else stored[status as keyof StatusCounts] += n;
    }
    return withLiveAndLapsed(stored, live, stored.stuck);
  }

  async countByClient(now: number): Promise<ClientCounts[]> {
    // Totals from the trigger-kept client_counts (migration 8); pending and stuck only over pending
    // rows (the status index).
    const { rows } = await this.pool.query<ClientCounts>(
      `WITH totals AS (SELECT name AS client_name, n AS total FROM client_counts WHERE n > 0),
       open AS (
         SELECT client_name, COUNT(*) FILTER (WHERE expires_at > $1::bigint) AS pending,
           COUNT(*) FILTER (WHERE ${stuckSql({ now: '$1::bigint', stuckAfter: '$2::bigint' })}) AS stuck
         FROM uploads WHERE status = 'pending' AND client_name IS NOT NULL GROUP BY client_name
       )
       SELECT t.client_name AS name, COALESCE(o.pending, 0) AS pending, COALESCE(o.stuck, 0) AS stuck, t.total
       FROM totals t LEFT JOIN open o ON o.client_name = t.client_name
       ORDER BY t.client_name COLLATE "C"`,
      [now, this.stuckRule.afterSeconds],
    );
    return rows;
  }

  async activityBuckets(range: ActivityRange, now: number): Promise<Map<number, StatusCounts>> {
    // See activity-buckets.ts: the trigger-kept buckets (primary key range), then the pending
    // uploads of the range (uploads_by_status_created) that have lapsed or are stuck now.
    const size = activityTableSize(range);
    const { rows } = await this.pool.query<ActivityRow>(
      `SELECT (bucket * $1::integer) / $2::integer AS bucket, status, SUM(n) AS n FROM upload_activity
         WHERE size = $1::integer AND bucket >= $3::bigint AND bucket < $4::bigint
         GROUP BY 1, 2
       UNION ALL
       SELECT created_at / $2::integer, CASE WHEN expires_at <= $7::bigint THEN 'lapsed' ELSE 'stuck' END, COUNT(*) FROM uploads
         WHERE status = 'pending' AND created_at >= $5::bigint AND created_at < $6::bigint
           AND (expires_at <= $7::bigint OR ${stuckSql({ now: '$7::bigint', stuckAfter: '$8::bigint' })})
         GROUP BY 1, 2`,
      [size, range.bucketSeconds, range.from / size, range.to / size, range.from, range.to, now, this.stuckRule.afterSeconds],
    );
    return activityFromRows(rows, range.bucketSeconds);
  }

  async expireLapsed(now: number, limit: number): Promise<UploadRecord[]> {
    // One statement: replicas sweeping at once skip each other's rows (SKIP LOCKED), so each upload
    // is expired, and its timeline event written, once.
    const { rows } = await this.pool.query<UploadRow>(
      // The due rows are chosen once, in their own step: as an IN (… LIMIT) subquery the planner may
      // re-run them per row, and a re-run skips the rows this statement has just locked and updated.
      `WITH due AS MATERIALIZED (
         SELECT id FROM uploads
         WHERE status = 'pending' AND expires_at <= $1::bigint AND cancel_unknown_since IS NULL
         ORDER BY expires_at, id LIMIT $2::integer FOR UPDATE SKIP LOCKED
       ), expired AS (
         UPDATE uploads SET status = 'expired', object = jsonb_set(object, '{status}', '"expired"')
         FROM due WHERE uploads.id = due.id AND uploads.status = 'pending'
         RETURNING uploads.*
       ), events AS (
         INSERT INTO upload_events (upload_id, at, kind) SELECT id, expires_at, 'expired' FROM expired ORDER BY expires_at, id
       )
       SELECT ${UPLOAD_COLUMNS} FROM expired ORDER BY expires_at, id`,
      [now, limit],
    );
    return rows.map((row) => this.toRecord(row, now));
  }

  async timeline(id: string): Promise<TimelineEvent[]> {
    // One log, in the order things happened (seq), whatever second they share.
    const { rows } = await this.pool.query<{ at: number; kind: string; actor: string | null; detail: string | null }>(
      'SELECT at, kind, actor, detail FROM upload_events WHERE upload_id = $1 ORDER BY seq',
      [id],
    );
    return rows.map((e) => toTimelineEvent({ at: e.at, kind: e.kind, actor: e.actor, detail: e.detail === null ? null : (JSON.parse(e.detail) as EventDetail) }));
  }

  async markCancelUnknown(id: string, at: number): Promise<UploadRecord | null> {
    const row = await this.markUnknown(this.pool, id, at);
    return row ? this.toRecord(row, at) : null;
  }

  private async markUnknown(c: Queryable, id: string, at: number): Promise<UploadRow | undefined> {
    const { rows } = await c.query<UploadRow>(
      `UPDATE uploads SET cancel_unknown_since = COALESCE(cancel_unknown_since, $2) WHERE id = $1 AND status = 'pending' RETURNING ${UPLOAD_COLUMNS}`,
      [id, at],
    );
    return rows[0];
  }

  async clearCancelUnknown(id: string, now: number): Promise<UploadRecord | null> {
    const row = await this.clearUnknown(this.pool, id);
    return row ? this.toRecord(row, now) : null;
  }

  private async clearUnknown(c: Queryable, id: string): Promise<UploadRow | undefined> {
    const { rows } = await c.query<UploadRow>(
      `UPDATE uploads SET cancel_unknown_since = NULL WHERE id = $1 AND cancel_unknown_since IS NOT NULL RETURNING ${UPLOAD_COLUMNS}`,
      [id],
    );
    return rows[0];
  }

  async cancelsWithUnknownOutcome(limit: number): Promise<string[]> {
    // A row whose cancel may have landed is left for the reconciler to settle, not marked expired.
    const { rows } = await this.pool.query<{ id: string }>(
      "SELECT id FROM uploads WHERE cancel_unknown_since IS NOT NULL AND status = 'pending' ORDER BY cancel_unknown_since, id LIMIT $1::integer",
      [limit],
    );
    return rows.map((row) => row.id);
  }

  // ---- cancels -------------------------------------------------------------------------------

  async recordCancelOutcome(write: CancelWrite): Promise<CancelWritten | null> {
    const { entry, change, jobItem, sourceIfUnseen, client } = write;
    if (jobItem && !entry.job_id) throw new TypeError('A bulk job item needs entry.job_id to name its job');
    if (change.kind === 'object' && change.upload.id !== entry.upload_id) throw new TypeError('The Upload object is not the one the entry names');
    const written = await this.transaction(async (c) => {
      if (jobItem && !(await this.settleItem(c, entry.job_id!, jobItem.seq, entry))) return null; // already settled: say nothing twice
      await c.query(LOCK_UPLOAD_SQL, [entry.upload_id]);
      const before = await this.lockedRow(c, entry.upload_id);
      const after = (await this.applyCancelChange(c, change, entry, client, before)) ?? (await this.lockedRow(c, entry.upload_id));
      // Decided with what this transaction saw: a cancel by id is one of an upload never seen before.
      const source = !before && sourceIfUnseen ? sourceIfUnseen : entry.source;
      const audit = await this.insertAudit(c, { ...entry, source, previous_status: before?.status ?? null }, after);
      const changed = after !== undefined && (before?.status !== after.status || (before.cancel_unknown_since === null) !== (after.cancel_unknown_since === null));
      return { after, audit, changed };
    });
    if (!written) return null;
    const { after, audit, changed } = written;
    return {
      record: after ? this.toRecord(after, entry.at) : null,
      audit: { ...audit, filename: after?.object.filename ?? null },
      changed,
    };
  }

  /** Inside recordCancelOutcome's transaction; the row after the change, when the change wrote one. */
  private async applyCancelChange(
    c: Queryable,
    change: CancelChange,
    entry: CancelWrite['entry'],
    client: CancelWrite['client'],
    before: UploadRow | undefined,
  ): Promise<UploadRow | undefined> {
    switch (change.kind) {
      case 'object':
        return this.merge(c, change.upload, { at: entry.at, via: 'cancel', actor: entry.actor, client: client ?? null }, { row: before });
      case 'status':
        return this.learnStatus(c, entry.upload_id, change.status, entry.at);
      case 'mark_unknown':
        return this.markUnknown(c, entry.upload_id, entry.at);
      case 'clear_unknown':
        return this.clearUnknown(c, entry.upload_id);
      case 'none':
        return undefined;
    }
  }

  // ---- audit ---------------------------------------------------------------------------------

  /**
   * The audit row (with the client of `upload`, the row after the change), and for anything but a
   * success a cancel_attempt timeline event, when the upload is recorded (a timeline is only shown
   * for a recorded upload; the audit log keeps the attempts on the others). Filename left to the caller.
   */
  private async insertAudit(c: Queryable, entry: NewAuditEntry, upload: UploadRow | undefined): Promise<AuditEntry> {
    const client = upload ? clientOf(upload.client_name, upload.client_sdk) : null;
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO audit_log (at, actor, action, source, upload_id, reason, previous_status, outcome, upstream_status, request_id, job_id, message, client_name, client_sdk)
       VALUES ($1, $2, 'cancel', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        entry.at,
        entry.actor,
        entry.source,
        entry.upload_id,
        entry.reason,
        entry.previous_status,
        entry.outcome,
        entry.upstream_status,
        entry.request_id,
        entry.job_id,
        entry.message,
        client?.name ?? null,
        client?.sdk ?? null,
      ],
    );
    // A successful cancel shows in the timeline as 'cancelled'; an attempt that did not is news too.
    if (upload && entry.outcome !== 'cancelled') {
      await this.event(c, entry.upload_id, entry.at, 'cancel_attempt', entry.actor, { outcome: entry.outcome, message: entry.message });
    }
    return { ...entry, id: rows[0]!.id, action: 'cancel', filename: null, client };
  }

  async listAudit(query: AuditQuery): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
    const params = new SqlParams();
    const where: string[] = [];
    for (const key of ['actor', 'outcome', 'source', 'upload_id', 'job_id'] as const) {
      const value = query[key];
      if (value !== undefined) where.push(`a.${key} = ${params.add(value, 'text')}`);
    }
    if (query.cursor !== undefined) where.push(`a.id < ${params.add(decodeAuditCursor(query.cursor), 'bigint')}`);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log a LEFT JOIN uploads u ON u.id = a.upload_id
       ${whereSql(where)} ORDER BY a.id DESC LIMIT ${params.add(query.limit + 1, 'integer')}`,
      params.values,
    );
    const page = rows.slice(0, query.limit).map(({ client_name, client_sdk, ...entry }): AuditEntry => ({ ...entry, client: clientOf(client_name, client_sdk) }));
    return { data: page, nextCursor: rows.length > query.limit ? encodeAuditCursor(page.at(-1)!.id) : null };
  }

  // ---- bulk jobs -----------------------------------------------------------------------------

  async createJob(job: { id: string; created_by: string; created_at: number; reason: string | null }, uploadIds: readonly string[]): Promise<BulkCancelJob> {
    await this.transaction(async (c) => {
      await c.query("INSERT INTO bulk_jobs (id, state, created_by, created_at, reason, total) VALUES ($1, 'running', $2, $3, $4, $5)", [
        job.id,
        job.created_by,
        job.created_at,
        job.reason,
        uploadIds.length,
      ]);
      // One statement for every item, however many (seq counts from 1).
      await c.query('INSERT INTO bulk_job_items (job_id, seq, upload_id) SELECT $1, t.seq, t.upload_id FROM unnest($2::text[]) WITH ORDINALITY AS t(upload_id, seq)', [
        job.id,
        [...uploadIds],
      ]);
    });
    return (await this.getJob(job.id, false))!;
  }

  async getJob(id: string, withItems: boolean): Promise<BulkCancelJob | null> {
    const { rows } = await this.pool.query<StoredJob>(`SELECT ${JOB_COLUMNS} FROM bulk_jobs WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    const [job] = await this.withProgress(rows);
    if (withItems) {
      const items = await this.pool.query<{ upload_id: string; outcome: CancelOutcome | null; message: string | null; upstream_status: number | null }>(
        `(SELECT 0 AS part, seq, upload_id, outcome, message, upstream_status FROM bulk_job_items
            WHERE job_id = $1 AND outcome IS NOT NULL AND outcome <> 'cancelled')
         UNION ALL
         (SELECT 1, seq, upload_id, outcome, message, upstream_status FROM bulk_job_items
            WHERE job_id = $1 AND outcome = 'cancelled' ORDER BY seq LIMIT $2::integer)
         ORDER BY part, seq`,
        [id, JOB_CANCELLED_ITEMS_SHOWN],
      );
      job!.items = items.rows.map(({ upload_id, outcome, message, upstream_status }) => ({ upload_id, outcome, message, upstream_status }));
    }
    return job!;
  }

  async listJobs(state?: BulkCancelJob['state']): Promise<BulkCancelJob[]> {
    const { rows } = state
      ? await this.pool.query<StoredJob>(`SELECT ${JOB_COLUMNS} FROM bulk_jobs WHERE state = $1 ORDER BY created_at DESC, ord DESC LIMIT $2::integer`, [state, JOB_LIST_LIMIT])
      : await this.pool.query<StoredJob>(`SELECT ${JOB_COLUMNS} FROM bulk_jobs ORDER BY created_at DESC, ord DESC LIMIT $1::integer`, [JOB_LIST_LIMIT]);
    return this.withProgress(rows);
  }

  async runningJobs(): Promise<BulkCancelJob[]> {
    const { rows } = await this.pool.query<StoredJob>(`SELECT ${JOB_COLUMNS} FROM bulk_jobs WHERE state = 'running' ORDER BY created_at, ord`);
    return this.withProgress(rows);
  }

  async uploadsInRunningJobs(): Promise<string[]> {
    const { rows } = await this.pool.query<{ upload_id: string }>(
      "SELECT DISTINCT i.upload_id FROM bulk_jobs j JOIN bulk_job_items i ON i.job_id = j.id AND i.outcome IS NULL WHERE j.state = 'running'",
    );
    return rows.map((row) => row.upload_id);
  }

  async jobItemsToDo(jobId: string, afterSeq: number, limit: number): Promise<JobItemToDo[]> {
    const { rows } = await this.pool.query<JobItemToDo>(
      'SELECT seq, upload_id FROM bulk_job_items WHERE job_id = $1 AND outcome IS NULL AND seq > $2::integer ORDER BY seq LIMIT $3::integer',
      [jobId, afterSeq, limit],
    );
    return rows;
  }

  async finishJobItem(jobId: string, seq: number, result: { outcome: CancelOutcome | null; message: string | null; upstream_status: number | null }): Promise<void> {
    await this.settleItem(this.pool, jobId, seq, result);
  }

  /** Writes an item's outcome once: false if it was already settled (or does not exist). */
  private async settleItem(c: Queryable, jobId: string, seq: number, result: { outcome: CancelOutcome | null; message: string | null; upstream_status: number | null }): Promise<boolean> {
    const { rowCount } = await c.query(
      'UPDATE bulk_job_items SET outcome = $3, message = $4, upstream_status = $5 WHERE job_id = $1 AND seq = $2 AND outcome IS NULL',
      [jobId, seq, result.outcome, result.message, result.upstream_status],
    );
    return rowCount !== null && rowCount > 0;
  }

  async finishJob(jobId: string, at: number, concurrency: number): Promise<BulkCancelJob | null> {
    // Finished once, and only when nothing is left. Two replicas settling the last two items each
    // try after their own commit; the later one sees both settled. Two finishing at once: the row
    // lock makes the second re-check state = 'running', which no longer holds, so it gets no row.
    const { rowCount } = await this.pool.query(
      `UPDATE bulk_jobs SET state = 'done', finished_at = $2, concurrency = GREATEST(concurrency, $3)
       WHERE id = $1 AND state = 'running' AND NOT EXISTS (SELECT 1 FROM bulk_job_items WHERE job_id = $1 AND outcome IS NULL)`,
      [jobId, at, concurrency],
    );
    return rowCount ? this.getJob(jobId, false) : null;
  }

  // ---- work shared between replicas ----------------------------------------------------------

  async claimJobItems({ owner, now, leaseMs, limit, cap }: LeaseTerms & { limit: number; cap: number }): Promise<ClaimedJobItem[]> {
    // An idle poll is one read: with no running job there is nothing to claim, or to share.
    const { rows: running } = await this.pool.query("SELECT 1 FROM bulk_jobs WHERE state = 'running' LIMIT 1");
    if (running.length === 0) return [];
    return this.transaction(async (c) => {
      // Claims (and renewals) queue on one advisory lock, so the count of leases below is not
      // overtaken by another replica's claim before this one commits: the cap holds across replicas.
      await c.query(CLAIM_LOCK_SQL);
      const {
        rows: [seen],
      } = await c.query<{ live: number }>(
        `WITH forgotten AS (DELETE FROM bulk_replicas WHERE seen_until <= $2::bigint AND owner <> $1),
         seen AS (
           INSERT INTO bulk_replicas (owner, seen_until) VALUES ($1, $2::bigint + $3::bigint)
           ON CONFLICT (owner) DO UPDATE SET seen_until = EXCLUDED.seen_until RETURNING owner
         )
         SELECT 1 + (SELECT COUNT(*) FROM bulk_replicas WHERE seen_until > $2::bigint AND owner <> $1) AS live`,
        [owner, now, leaseMs],
      );
      const {
        rows: [leased],
      } = await c.query<{ busy: number; mine: number }>(
        'SELECT COUNT(*) AS busy, COUNT(*) FILTER (WHERE lease_owner = $2) AS mine FROM bulk_job_items WHERE outcome IS NULL AND lease_until > $1::bigint',
        [now, owner],
      );
      let room = Math.min(limit, cap - leased!.busy, Math.ceil(cap / seen!.live) - leased!.mine);
      if (room <= 0) return [];
      const { rows: jobs } = await c.query<{ id: string; created_by: string; reason: string | null }>(
        "SELECT id, created_by, reason FROM bulk_jobs WHERE state = 'running' ORDER BY created_at, ord",
      );
      const claimed: ClaimedJobItem[] = [];
      // Job by job, oldest first: each step is a range of the partial index of items to do (one
      // query sorted across jobs would sort every item of the oldest job first).
      for (const job of jobs) {
        const { rows } = await c.query<{ seq: number; upload_id: string; sent_at: number | null; taken_from: string | null }>(
          `WITH picked AS (
             SELECT seq, lease_owner FROM bulk_job_items
             WHERE job_id = $1 AND outcome IS NULL AND (lease_until IS NULL OR lease_until <= $2::bigint)
             ORDER BY seq LIMIT $4::integer FOR UPDATE SKIP LOCKED
           )
           UPDATE bulk_job_items i SET lease_owner = $5, lease_until = $2::bigint + $3::bigint
           FROM picked WHERE i.job_id = $1 AND i.seq = picked.seq
           RETURNING i.seq, i.upload_id, i.sent_at, picked.lease_owner AS taken_from`,
          [job.id, now, leaseMs, room, owner],
        );
        if (rows.length === 0) continue;
        rows.sort((a, b) => a.seq - b.seq);
        for (const row of rows) claimed.push({ job_id: job.id, ...row, taken_from: row.taken_from === owner ? null : row.taken_from, created_by: job.created_by, reason: job.reason });
        await c.query(
          `UPDATE bulk_jobs SET concurrency = c.n FROM (
             SELECT COUNT(*)::integer AS n FROM bulk_job_items WHERE job_id = $1 AND outcome IS NULL AND lease_until > $2::bigint
           ) c WHERE id = $1 AND concurrency < c.n`,
          [job.id, now],
        );
        room -= rows.length;
        if (room <= 0) break;
      }
      return claimed;
    });
  }

  async markJobItemSent({ owner, now, leaseMs, job_id, seq }: LeaseTerms & JobItemKey): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE bulk_job_items SET sent_at = COALESCE(sent_at, $4::bigint), lease_until = GREATEST(lease_until, $4::bigint + $5::bigint)
       WHERE job_id = $1 AND seq = $2 AND lease_owner = $3 AND outcome IS NULL AND lease_until > $4::bigint`,
      [job_id, seq, owner, now, leaseMs],
    );
    return (rowCount ?? 0) > 0;
  }

  async renewJobItems({ owner, now, leaseMs }: LeaseTerms, items: readonly JobItemKey[]): Promise<number> {
    if (items.length === 0) return 0;
    return this.transaction(async (c) => {
      await c.query(CLAIM_LOCK_SQL);
      // Still working: still one of the replicas the slots are shared between.
      await c.query(
        'INSERT INTO bulk_replicas (owner, seen_until) VALUES ($1, $2::bigint + $3::bigint) ON CONFLICT (owner) DO UPDATE SET seen_until = EXCLUDED.seen_until',
        [owner, now, leaseMs],
      );
      const { rowCount } = await c.query(
        `UPDATE bulk_job_items i SET lease_until = GREATEST(i.lease_until, $2::bigint + $3::bigint)
         FROM unnest($4::text[], $5::integer[]) AS k(job_id, seq)
         WHERE i.job_id = k.job_id AND i.seq = k.seq AND i.lease_owner = $1 AND i.outcome IS NULL AND i.lease_until > $2::bigint`,
        [owner, now, leaseMs, items.map((i) => i.job_id), items.map((i) => i.seq)],
      );
      return rowCount ?? 0;
    });
  }

  async releaseJobItems(owner: string, items?: readonly JobItemKey[]): Promise<number> {
    const { rowCount } = items
      ? await this.pool.query(
          `UPDATE bulk_job_items i SET lease_until = NULL FROM unnest($2::text[], $3::integer[]) AS k(job_id, seq)
           WHERE i.job_id = k.job_id AND i.seq = k.seq AND i.lease_owner = $1 AND i.outcome IS NULL AND i.lease_until IS NOT NULL`,
          [owner, items.map((i) => i.job_id), items.map((i) => i.seq)],
        )
      : await this.pool.query(
          `WITH gone AS (DELETE FROM bulk_replicas WHERE owner = $1)
           UPDATE bulk_job_items SET lease_until = NULL WHERE lease_owner = $1 AND outcome IS NULL AND lease_until IS NOT NULL`,
          [owner],
        );
    return rowCount ?? 0;
  }

  async claimUnknownCancel({ owner, now, leaseMs, after }: LeaseTerms & { after: UnknownCancelClaim | null }): Promise<UnknownCancelClaim | null> {
    return this.transaction(async (c) => {
      // Serialised like bulk claims, so two replicas' rounds never take the same upload.
      await c.query(RECONCILE_LOCK_SQL);
      const { rows } = await c.query<UnknownCancelClaim>(
        `SELECT u.id, u.cancel_unknown_since AS since FROM uploads u
         WHERE u.cancel_unknown_since IS NOT NULL AND u.status = 'pending'
           AND ($2::bigint IS NULL OR (u.cancel_unknown_since, u.id) > ($2::bigint, $3::text))
           AND NOT EXISTS (SELECT 1 FROM reconcile_leases l WHERE l.upload_id = u.id AND l.lease_until > $1::bigint)
         ORDER BY u.cancel_unknown_since, u.id LIMIT 1`,
        [now, after?.since ?? null, after?.id ?? null],
      );
      const next = rows[0];
      if (!next) return null;
      await c.query(
        `INSERT INTO reconcile_leases (upload_id, owner, lease_until) VALUES ($1, $2, $3::bigint + $4::bigint)
         ON CONFLICT (upload_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until`,
        [next.id, owner, now, leaseMs],
      );
      return { id: next.id, since: next.since };
    });
  }

  async renewUnknownCancel({ owner, now, leaseMs }: LeaseTerms, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE reconcile_leases SET lease_until = GREATEST(lease_until, $3::bigint + $4::bigint) WHERE upload_id = $1 AND owner = $2 AND lease_until > $3::bigint',
      [id, owner, now, leaseMs],
    );
    return (rowCount ?? 0) > 0;
  }

  async releaseUnknownCancel(owner: string, id: string): Promise<void> {
    await this.pool.query('DELETE FROM reconcile_leases WHERE upload_id = $1 AND owner = $2', [id, owner]);
  }

  async setUpstreamPause(until: number): Promise<void> {
    await this.pool.query('UPDATE upstream_pause SET paused_until = GREATEST(paused_until, $1::bigint)', [until]);
  }

  async upstreamPausedUntil(): Promise<number> {
    const { rows } = await this.pool.query<{ paused_until: number }>('SELECT paused_until FROM upstream_pause');
    return rows[0]?.paused_until ?? 0;
  }

  /** The jobs with their progress, counted in one query for all of them. */
  private async withProgress(rows: StoredJob[]): Promise<BulkCancelJob[]> {
    if (rows.length === 0) return [];
    const { rows: counts } = await this.pool.query<{ job_id: string; outcome: CancelOutcome | null; n: number }>(
      'SELECT job_id, outcome, COUNT(*) AS n FROM bulk_job_items WHERE job_id = ANY($1::text[]) GROUP BY job_id, outcome',
      [rows.map((row) => row.id)],
    );
    const byJob = new Map<string, typeof counts>();
    for (const count of counts) byJob.set(count.job_id, [...(byJob.get(count.job_id) ?? []), count]);
    return rows.map((row) => toJob(row, byJob.get(row.id) ?? []));
  }

  // ---- retention (retention-sql.ts) ----------------------------------------------------------

  purgeFinishedUploads(cutoff: number, limit: number): Promise<number> {
    return purgeFinishedUploads(this.pool, cutoff, limit);
  }

  purgeAuditEntries(cutoff: number, limit: number): Promise<number> {
    return purgeAuditEntries(this.pool, cutoff, limit);
  }

  // ---- alerts (alert-sql.ts) -----------------------------------------------------------------

  transitionAlertState(change: { name: string; initial: string; to: string; message: NewAlert }): Promise<boolean> {
    return transitionAlertState(this.pool, change);
  }

  enqueueAlert(message: NewAlert): Promise<boolean> {
    return enqueueAlert(this.pool, message);
  }

  claimAlerts(terms: LeaseTerms & { limit: number }): Promise<ClaimedAlert[]> {
    return claimAlerts(this.pool, terms);
  }

  settleAlert(owner: string, id: number, result: AlertAttempt): Promise<boolean> {
    return settleAlert(this.pool, owner, id, result);
  }

  purgeSettledAlerts(cutoff: number, limit: number): Promise<number> {
    return purgeSettledAlerts(this.pool, cutoff, limit);
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private filterSql(filter: StoreUploadFilter, now: number, params: SqlParams): string[] {
    const where: string[] = [];
    // Bound only if some clause uses it: PostgreSQL cannot type a parameter the text never mentions.
    let bound: string | undefined;
    const nowParam = () => (bound ??= params.add(now, 'bigint'));
    const withNow = (sql: string) => sql.replaceAll(NOW_TOKEN, nowParam);
    if (filter.status) where.push(withNow(effectiveStatusSql(filter.status, NOW_TOKEN)));
    if (filter.stuck !== undefined) {
      const stuck = stuckSql({ now: nowParam(), stuckAfter: params.add(filter.stuck_after_seconds ?? this.stuckRule.afterSeconds, 'bigint') });
      where.push(filter.stuck ? stuck : `NOT ${stuck}`);
    }
    if (filter.cancel_unknown === false) where.push('cancel_unknown_since IS NULL');
    if (filter.purpose) where.push(`purpose = ${params.add(filter.purpose, 'text')}`);
    if (filter.client) where.push(`client_name = ${params.add(filter.client, 'text')}`);
    if (filter.older_than !== undefined) where.push(`created_at <= ${params.add(now - filter.older_than, 'bigint')}`);
    if (filter.newer_than !== undefined) where.push(`created_at >= ${params.add(now - filter.newer_than, 'bigint')}`);
    if (filter.created_after !== undefined) where.push(`created_at >= ${params.add(filter.created_after, 'bigint')}`);
    if (filter.created_before !== undefined) where.push(`created_at < ${params.add(filter.created_before, 'bigint')}`);
    if (filter.q) {
      const search = parseSearch(filter.q);
      if (search.kind === 'id_prefix') {
        // A range on the primary key (binary order: every id that starts with the prefix sorts inside it).
        where.push(`id >= ${params.add(search.prefix, 'text')} AND id < ${params.add(`${search.prefix}\u{10FFFF}`, 'text')}`);
      } else {
        // On the folded copy (migration 9): uploads_by_created carries it for a walk in order; the
        // pg_trgm GIN index answers rare matches of three characters or more.
        where.push(`filename_folded LIKE lower(${params.add(likeContaining(search.text), 'text')}) ESCAPE '\\'`);
      }
    }
    return where;
  }

  /** The row, locked for the rest of the transaction (the caller holds the upload's advisory lock). */
  private async lockedRow(c: Queryable, id: string): Promise<UploadRow | undefined> {
    const { rows } = await c.query<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  private async event(c: Queryable, uploadId: string, at: number, kind: string, actor: string | null | undefined, detail: EventDetail | null): Promise<void> {
    await c.query('INSERT INTO upload_events (upload_id, at, kind, actor, detail) VALUES ($1, $2, $3, $4, $5)', [
      uploadId,
      at,
      kind,
      actor ?? null,
      detail === null ? null : JSON.stringify(detail),
    ]);
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  private toRecord(row: UploadRow, now: number): UploadRecord {
    return toUploadRecord(asStored(row), now, this.stuckRule);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Collects bind values and hands out their `$n` placeholders. */
class SqlParams {
  readonly values: unknown[] = [];

  /** `cast` where PostgreSQL cannot infer the type from context (arithmetic, arrays, LIMIT). */
  add(value: unknown, cast: 'bigint' | 'integer' | 'text'): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

function whereSql(where: readonly string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}
