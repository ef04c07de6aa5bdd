// The UploadStore on one SQLite file (better-sqlite3). Each method that writes more than one row
// runs in one SQLite transaction; SQLite allows one writer at a time, which is what makes the
// read-then-write steps (merging an object, reading the previous status) safe.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, BulkCancelItem, BulkCancelJob, ClientCounts, StatusCounts, TimelineEvent, UploadRecord } from '#contract/dashboard-api.ts';
import type { Upload, UploadPart, UploadStatus } from '#contract/uploads.ts';
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import type { Logger } from '#server/lib/logger.ts';
import { activityFromRows, type ActivityRange, type ActivityRow } from '#server/store/activity-buckets.ts';
import { decodeAuditCursor, encodeAuditCursor, nextListCursor } from '#server/store/cursor.ts';
import { toJob, type StoredJob } from '#server/store/job-progress.ts';
import { type EventDetail, toTimelineEvent } from '#server/store/timeline-wording.ts';
import { planMerge } from '#server/store/upload-merge.ts';
import { clientOf, toUploadRecord, withLiveAndLapsed } from '#server/store/upload-record.ts';
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
import { ACTIVITY_SQL, activityParams } from './activity-sql.ts';
import { countMatchingSql, firstMatches, listUploadsSql, pendingIdsSql, type SqlParams } from './filter-sql.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import { GroupCommit } from './group-commit.ts';
import { migrations } from './migrations.ts';
import { SqlitePolicyStore } from './sqlite-policy-store.ts';
import { SqliteAlertOutbox } from './alert-statements.ts';
import { prepareRetentionStatements, type RetentionStatements } from './retention-statements.ts';
import { AUDIT_SELECT, prepareStatements, storedUpload, type AuditRow, type Statements, type UploadRow } from './statements.ts';

/** Opens (creating if needed) the SQLite store: WAL, migrations applied, statements prepared once. */
export function openSqliteStore(path: string, stuckRule: StuckRule, logger?: Logger): SqliteUploadStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL is durable across process crashes (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Statement and savepoint journals in memory: on disk, a group commit (group-commit.ts) created,
  // filled and deleted a temporary file per transaction (most of a recorded cancel's system time).
  db.pragma('temp_store = MEMORY');
  migrate(db);
  // A file's WAL is checkpointed on a worker thread (checkpointer.ts); an in-memory database has none.
  return new SqliteUploadStore(db, stuckRule, path === ':memory:' ? null : startCheckpointer(db, path, { logger }));
}

/** Applies the migrations this file has not seen yet; PRAGMA user_version counts those applied. */
export function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

export class SqliteUploadStore implements UploadStore {
  private readonly stmt: Statements;
  private readonly statements = new Map<string, Database.Statement>();
  readonly policies: SqlitePolicyStore;
  /** The recording writes of concurrent requests, committed together (see group-commit.ts). */
  private readonly grouped: GroupCommit;

  constructor(
    private readonly db: Database.Database,
    private readonly stuckRule: StuckRule,
    private readonly checkpointer: Checkpointer | null = null,
  ) {
    this.stmt = prepareStatements(db);
    this.policies = new SqlitePolicyStore(db);
    this.grouped = new GroupCommit(db);
  }

  /** The query plan SQLite picks for a list query: for tests that the indexes serve what listUploads really runs. */
  explainList(query: StoreListQuery, now: number): string[] {
    const { sql, params } = listUploadsSql(query, now, this.stuckRule);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
  }

  /** The same for the activity chart's statement. */
  explainActivity(range: ActivityRange, now: number): string[] {
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${ACTIVITY_SQL}`).all(activityParams(range, now, this.stuckRule)) as { detail: string }[]).map((row) => row.detail);
  }

  /** The same for the clients list's statements (totals, then pending and stuck). */
  explainClients(now: number): string[] {
    const explain = (sql: string, params: object) => (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
    return [...explain(this.stmt.clientTotals.source, {}), ...explain(this.stmt.clientPending.source, { now, stuck_after: this.stuckRule.afterSeconds })];
  }

  // ---- uploads -------------------------------------------------------------------------------

  /** Merges an Upload object; call inside a transaction. `existing`: its row as just read (undefined: not recorded yet). */
  private recordTx(upload: Upload, ctx: RecordContext, existing: UploadRow | undefined): UploadRow {
    const plan = planMerge(existing, upload, ctx);
    const columns = { id: upload.id, status: upload.status, created_at: upload.created_at, expires_at: upload.expires_at, bytes: upload.bytes, filename: upload.filename, purpose: upload.purpose };
    const object_json = JSON.stringify(upload);
    switch (plan.kind) {
      case 'insert': {
        // Parts may have been seen before the upload itself (it was created elsewhere).
        const parts = this.stmt.partTotals.get(upload.id)!;
        this.stmt.insert.run({
          ...columns,
          object_json,
          parts_count: parts.n,
          bytes_received: parts.total ?? 0,
          at: ctx.at,
          via: ctx.via,
          cancelled_by: plan.cancelled_by,
          cancelled_at: plan.cancelled_at,
          client_name: ctx.client?.name ?? null,
          client_sdk: ctx.client?.sdk ?? null,
        });
        this.event(upload.id, ctx.at, plan.event, ctx.actor, { via: ctx.via, status: upload.status });
        break;
      }
      case 'touch':
        this.stmt.touch.run({ id: upload.id, at: ctx.at });
        break;
      case 'update':
        this.stmt.update.run({ ...columns, object_json, at: ctx.at, cancelled_by: plan.cancelled_by, cancelled_at: plan.cancelled_at });
        if (plan.statusEvent) this.event(upload.id, ctx.at, plan.statusEvent, ctx.actor, null);
        break;
    }
    if (ctx.client && existing && existing.client_name === null) this.stmt.fillClient.run({ id: upload.id, client_name: ctx.client.name, client_sdk: ctx.client.sdk });
    return this.stmt.get.get(upload.id)!;
  }

  private event(upload_id: string, at: number, kind: string, actor: string | null | undefined, detail: EventDetail | null) {
    this.stmt.event.run({ upload_id, at, kind, actor: actor ?? null, detail: detail ? JSON.stringify(detail) : null });
  }

  private toRecord(row: UploadRow, now: number): UploadRecord {
    return toUploadRecord(storedUpload(row), now, this.stuckRule);
  }

  async recordUpload(upload: Upload, ctx: RecordContext): Promise<UploadRecord> {
    // IMMEDIATE (the group transaction): the merge reads before it writes; taking the write lock first
    // keeps another process sharing the file from writing in between (a deferred one would fail to upgrade).
    const row = await this.grouped.run(() => this.recordTx(upload, ctx, this.stmt.get.get(upload.id)));
    return this.toRecord(row, ctx.at);
  }

  async recordPart(part: UploadPart, bytes: number, at: number): Promise<UploadRecord | null> {
    const row = await this.grouped.run(() => {
      const inserted = this.stmt.insertPart.run({ id: part.id, upload_id: part.upload_id, bytes, created_at: part.created_at });
      if (inserted.changes === 0) return undefined; // the same part recorded twice counts once
      this.stmt.addPartToUpload.run({ upload_id: part.upload_id, bytes, at });
      this.event(part.upload_id, at, 'part', null, { part_id: part.id, bytes });
      return this.stmt.get.get(part.upload_id);
    });
    return row ? this.toRecord(row, at) : null;
  }

  private setStatusTx(id: string, status: Exclude<UploadStatus, 'pending'>, at: number): boolean {
    if (this.stmt.setStatus.run({ id, status, at }).changes === 0) return false;
    this.event(id, at, status, null, { learned: 'from an upstream refusal' });
    return true;
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
    const { sql, params, take, newestMatches } = listUploadsSql(query, now, this.stuckRule);
    const statement = this.prepared(sql);
    const rows = newestMatches ? firstMatches<UploadRow>(statement.iterate(params), take) : (statement.all(params) as UploadRow[]);
    const page = rows.slice(0, query.limit).map((row) => this.toRecord(row, now));
    return { data: page, nextCursor: nextListCursor(page, rows.length > query.limit, query.sort ?? 'created_at', query.order ?? 'desc') };
  }

  async pendingIdsMatching(filter: StoreUploadFilter, now: number, limit: number): Promise<string[]> {
    // Only pending uploads can be cancelled: a filter on any other status matches none of them.
    if (filter.status !== undefined && filter.status !== 'pending') return [];
    const { sql, params } = pendingIdsSql(filter, now, this.stuckRule, limit);
    return this.prepared(sql).pluck().all(params) as string[];
  }

  async countMatching(filter: StoreUploadFilter, now: number): Promise<{ cancellable: number; skipped: number }> {
    const { sql, params } = countMatchingSql(filter, now, this.stuckRule);
    const { total, cancellable } = this.prepared(sql).get(params) as { total: number; cancellable: number };
    return { cancellable, skipped: total - cancellable };
  }

  async countByStatus(now: number): Promise<StatusCounts> {
    return this.readCounts(now);
  }

  /**
   * upload_counts is kept by triggers, so the tabs never count the whole table. Only the live pending
   * uploads are walked (one index range, counting the stuck among them); the lapsed ones (past
   * expiry, not swept yet: as many as the sweeper is behind) are the stored pending count minus the
   * live ones. Both reads in one transaction: one snapshot, even with another process writing the file.
   */
  private readonly readCounts = (now: number): StatusCounts =>
    this.db.transaction(() => {
      const stored: StatusCounts = { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };
      for (const { status, n } of this.stmt.counters.all()) stored[status] += n;
      const { live, stuck } = this.stmt.livePending.get({ now, stuck_after: this.stuckRule.afterSeconds })!;
      return withLiveAndLapsed(stored, live, stuck);
    })();

  async countByClient(now: number): Promise<ClientCounts[]> {
    const pending = new Map(this.stmt.clientPending.all({ now, stuck_after: this.stuckRule.afterSeconds }).map((row) => [row.name, row]));
    return this.stmt.clientTotals
      .all()
      .map(({ name, total }) => ({ name, pending: pending.get(name)?.pending ?? 0, stuck: pending.get(name)?.stuck ?? 0, total }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async activityBuckets(range: ActivityRange, now: number): Promise<Map<number, StatusCounts>> {
    const rows = this.prepared(ACTIVITY_SQL).all(activityParams(range, now, this.stuckRule)) as ActivityRow[];
    return activityFromRows(rows, range.bucketSeconds);
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
    return this.stmt.events.all(id).map((e) => toTimelineEvent({ ...e, detail: e.detail ? (JSON.parse(e.detail) as EventDetail) : null }));
  }

  async cancelsWithUnknownOutcome(limit: number): Promise<string[]> {
    return this.stmt.unknownCancels.all(limit);
  }

  // ---- cancels -------------------------------------------------------------------------------

  async recordCancelOutcome(write: CancelWrite): Promise<CancelWritten | null> {
    const { entry, change, jobItem, sourceIfUnseen, client } = write;
    if (jobItem && !entry.job_id) throw new TypeError('A bulk job item needs entry.job_id to name its job');
    if (change.kind === 'object' && change.upload.id !== entry.upload_id) throw new TypeError('The Upload object is not the one the entry names');
    const written = await this.grouped.run(() => {
      if (jobItem && !this.settleJobItemTx(entry, jobItem.seq)) return null;
      const before = this.stmt.get.get(entry.upload_id);
      const after = this.applyCancelChangeTx(change, entry, client, before);
      const source = !before && sourceIfUnseen ? sourceIfUnseen : entry.source;
      const audit = this.auditTx({ ...entry, source, previous_status: before?.status ?? null }, after);
      const changed = after !== undefined && (before?.status !== after.status || (before.cancel_unknown_since === null) !== (after.cancel_unknown_since === null));
      return { after, audit, changed };
    }); // reads the status before it writes: the group transaction is IMMEDIATE
    if (!written) return null;
    const { after, audit, changed } = written;
    return { record: after ? this.toRecord(after, entry.at) : null, audit: { ...audit, filename: after ? filenameOf(after) : null }, changed };
  }

  /** Applies the change to the upload (`before`: its row as just read); its row afterwards, if it has one. */
  private applyCancelChangeTx(change: CancelChange, entry: CancelWrite['entry'], client: CancelWrite['client'], before: UploadRow | undefined): UploadRow | undefined {
    const id = entry.upload_id;
    switch (change.kind) {
      case 'object':
        return this.recordTx(change.upload, { at: entry.at, via: 'cancel', actor: entry.actor, client: client ?? null }, before);
      case 'status':
        return this.setStatusTx(id, change.status, entry.at) ? this.stmt.get.get(id) : before;
      case 'mark_unknown':
        return this.stmt.markUnknown.run({ id, at: entry.at }).changes > 0 ? this.stmt.get.get(id) : before;
      case 'clear_unknown':
        return this.stmt.clearUnknown.run(id).changes > 0 ? this.stmt.get.get(id) : before;
      case 'none':
        return before;
    }
  }

  /** Settles a bulk item once; false if its outcome was already written. */
  private settleJobItemTx(entry: CancelWrite['entry'], seq: number): boolean {
    const { job_id, outcome, message, upstream_status } = entry;
    return this.stmt.jobItemFinish.run({ job_id, seq, outcome, message, upstream_status }).changes > 0;
  }

  /**
   * Writes the audit row (with the client of `upload`, the row after the change), and for anything
   * but a success a cancel_attempt timeline event, when the upload is recorded (a timeline is only
   * shown for a recorded upload; the audit log keeps the attempts on the others).
   */
  private auditTx(entry: NewAuditEntry, upload: UploadRow | undefined): Omit<AuditEntry, 'filename'> {
    const client = upload ? clientOf(upload.client_name, upload.client_sdk) : null;
    const { id } = this.stmt.auditInsert.get({ ...entry, client_name: client?.name ?? null, client_sdk: client?.sdk ?? null })!;
    // A successful cancel shows in the timeline as 'cancelled'; an attempt that did not is news too.
    if (upload && entry.outcome !== 'cancelled') this.event(entry.upload_id, entry.at, 'cancel_attempt', entry.actor, { outcome: entry.outcome, message: entry.message });
    return { ...entry, id, action: 'cancel', client };
  }

  // ---- audit ---------------------------------------------------------------------------------

  async listAudit(query: AuditQuery): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: SqlParams = { limit: query.limit + 1 };
    for (const key of ['actor', 'outcome', 'source', 'upload_id', 'job_id'] as const) {
      const value = query[key];
      if (value !== undefined) {
        where.push(`a.${key} = @${key}`);
        params[key] = value;
      }
    }
    if (query.cursor !== undefined) {
      where.push('a.id < @before');
      params.before = decodeAuditCursor(query.cursor);
    }
    const sql = `${AUDIT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT @limit`;
    const rows = (this.prepared(sql).all(params) as AuditRow[]).map(({ client_name, client_sdk, ...entry }): AuditEntry => ({ ...entry, client: clientOf(client_name, client_sdk) }));
    const page = rows.slice(0, query.limit);
    return { data: page, nextCursor: rows.length > query.limit ? encodeAuditCursor(page.at(-1)!.id) : null };
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
    if (withItems) job.items = [...this.stmt.jobItemsSettled.all(id), ...this.stmt.jobItemsCancelled.all(id, JOB_CANCELLED_ITEMS_SHOWN)];
    return job;
  }

  async runningJobs(): Promise<BulkCancelJob[]> {
    return this.stmt.jobsRunning.all().map((row) => this.toJob(row));
  }

  async uploadsInRunningJobs(): Promise<string[]> {
    const sql = "SELECT DISTINCT i.upload_id FROM bulk_jobs j JOIN bulk_job_items i ON i.job_id = j.id AND i.outcome IS NULL WHERE j.state = 'running'";
    return this.prepared(sql).pluck().all() as string[];
  }

  async listJobs(state?: BulkCancelJob['state']): Promise<BulkCancelJob[]> {
    const rows = state ? this.stmt.jobsByState.all(state, JOB_LIST_LIMIT) : this.stmt.jobsAll.all(JOB_LIST_LIMIT);
    return rows.map((row) => this.toJob(row));
  }

  async jobItemsToDo(jobId: string, afterSeq: number, limit: number): Promise<JobItemToDo[]> {
    return this.stmt.jobTodo.all({ job_id: jobId, after: afterSeq, limit });
  }

  async finishJobItem(jobId: string, seq: number, result: Omit<BulkCancelItem, 'upload_id'>): Promise<void> {
    this.stmt.jobItemFinish.run({ job_id: jobId, seq, ...result });
  }

  async finishJob(jobId: string, at: number, concurrency: number): Promise<BulkCancelJob | null> {
    if (this.stmt.jobFinish.run({ id: jobId, at, concurrency }).changes === 0) return null;
    return this.getJob(jobId, false);
  }

  // ---- work shared between processes -----------------------------------------------------------
  // Each claim runs in an IMMEDIATE transaction: it takes SQLite's one write lock before counting
  // the leases, so claims by processes sharing the file are serialised and the cap holds.

  async claimJobItems({ owner, now, leaseMs, limit, cap }: LeaseTerms & { limit: number; cap: number }): Promise<ClaimedJobItem[]> {
    // An idle poll writes nothing: with no running job there is nothing to claim, or to share.
    if (this.stmt.claimJobsInOrder.all().length === 0) return [];
    return this.db.transaction(() => {
      this.stmt.replicasForget.run({ now });
      this.stmt.replicaSeen.run({ owner, until: now + leaseMs });
      const share = Math.ceil(cap / this.stmt.replicasLive.get()!.n);
      const { busy, mine } = this.stmt.leasedCount.get({ now, owner })!;
      let room = Math.min(limit, cap - busy, share - mine);
      const claimed: ClaimedJobItem[] = [];
      // Job by job, oldest first: each step is an index range (a join sorted across jobs is not).
      for (const job of room > 0 ? this.stmt.claimJobsInOrder.all() : []) {
        const items = this.stmt.claimableItems.all({ job_id: job.id, now, limit: room });
        for (const item of items) {
          this.stmt.claimItem.run({ job_id: job.id, seq: item.seq, owner, until: now + leaseMs });
          claimed.push({ job_id: job.id, ...item, taken_from: item.taken_from === owner ? null : item.taken_from, created_by: job.created_by, reason: job.reason });
        }
        if (items.length > 0) this.stmt.jobRaiseConcurrency.run({ id: job.id, n: this.stmt.jobLeasedCount.get({ job_id: job.id, now })!.n });
        room -= items.length;
        if (room <= 0) break;
      }
      return claimed;
    }).immediate();
  }

  async markJobItemSent({ owner, now, leaseMs, job_id, seq }: LeaseTerms & JobItemKey): Promise<boolean> {
    return this.stmt.markSent.run({ job_id, seq, owner, now, until: now + leaseMs }).changes > 0;
  }

  async renewJobItems({ owner, now, leaseMs }: LeaseTerms, items: readonly JobItemKey[]): Promise<number> {
    if (items.length === 0) return 0;
    return this.db
      .transaction(() => {
        // Still working: still one of the replicas the slots are shared between.
        this.stmt.replicaSeen.run({ owner, until: now + leaseMs });
        return items.reduce((held, { job_id, seq }) => held + this.stmt.renewItem.run({ job_id, seq, owner, now, until: now + leaseMs }).changes, 0);
      })
      .immediate();
  }

  async releaseJobItems(owner: string, items?: readonly JobItemKey[]): Promise<number> {
    if (!items) {
      return this.db.transaction(() => {
        this.stmt.replicaGone.run(owner);
        return this.stmt.releaseAllItems.run({ owner }).changes;
      })();
    }
    return this.db.transaction(() => items.reduce((released, { job_id, seq }) => released + this.stmt.releaseItem.run({ job_id, seq, owner }).changes, 0))();
  }

  async claimUnknownCancel({ owner, now, leaseMs, after }: LeaseTerms & { after: UnknownCancelClaim | null }): Promise<UnknownCancelClaim | null> {
    return this.db.transaction(() => {
      const next = this.stmt.nextUnknownCancel.get({ now, after_since: after?.since ?? null, after_id: after?.id ?? null });
      if (next) this.stmt.leaseUnknownCancel.run({ id: next.id, owner, until: now + leaseMs });
      return next ?? null;
    }).immediate();
  }

  async renewUnknownCancel({ owner, now, leaseMs }: LeaseTerms, id: string): Promise<boolean> {
    return this.stmt.renewUnknownCancel.run({ id, owner, now, until: now + leaseMs }).changes > 0;
  }

  async releaseUnknownCancel(owner: string, id: string): Promise<void> {
    this.stmt.releaseUnknownCancel.run(id, owner);
  }

  async setUpstreamPause(until: number): Promise<void> {
    this.stmt.pauseSet.run(until);
  }

  async upstreamPausedUntil(): Promise<number> {
    return this.stmt.pauseGet.get()!;
  }

  private toJob(row: StoredJob): BulkCancelJob {
    return toJob(row, this.stmt.jobProgress.all(row.id));
  }

  // ---- retention -----------------------------------------------------------------------------

  private retentionStatements: RetentionStatements | undefined;
  private get retention(): RetentionStatements {
    return (this.retentionStatements ??= prepareRetentionStatements(this.db));
  }

  async purgeFinishedUploads(cutoff: number, limit: number): Promise<number> {
    // One short write transaction per batch: SQLite has one writer, and the dashboard's writes wait for it.
    return this.db.transaction(() => {
      const old = this.retention.oldFinished.all({ cutoff, limit });
      for (const { rowid, id } of old) {
        this.retention.deleteParts.run(id);
        this.retention.deleteEvents.run(id);
        this.retention.deleteUpload.run(rowid);
      }
      return old.length;
    }).immediate();
  }

  async purgeAuditEntries(cutoff: number, limit: number): Promise<number> {
    return this.retention.deleteAudit.run({ cutoff, limit }).changes;
  }

  // ---- alerts (alert-statements.ts) -------------------------------------------------------------

  private alertOutbox: SqliteAlertOutbox | undefined;
  private get alerts(): SqliteAlertOutbox {
    return (this.alertOutbox ??= new SqliteAlertOutbox(this.db));
  }

  async transitionAlertState(change: { name: string; initial: string; to: string; message: NewAlert }): Promise<boolean> {
    return this.alerts.transition(change);
  }

  async enqueueAlert(message: NewAlert): Promise<boolean> {
    return this.alerts.enqueue(message);
  }

  async claimAlerts(terms: LeaseTerms & { limit: number }): Promise<ClaimedAlert[]> {
    return this.alerts.claim(terms);
  }

  async settleAlert(owner: string, id: number, result: AlertAttempt): Promise<boolean> {
    return this.alerts.settle(owner, id, result);
  }

  async purgeSettledAlerts(cutoff: number, limit: number): Promise<number> {
    return this.alerts.purgeSettled(cutoff, limit);
  }

  /** The connection itself, for tests that fill tables directly (100,000 rows in one transaction). */
  withDatabase<T>(work: (db: Database.Database) => T): T {
    return work(this.db);
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

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    // The worker first: a write queued while it stops is still flushed below, before the connection closes.
    await this.checkpointer?.close();
    this.grouped.flush();
    // The last connection to close checkpoints the whole WAL and removes it.
    this.db.close();
  }
}

const filenameOf = (row: UploadRow) => (JSON.parse(row.object_json) as Upload).filename;
