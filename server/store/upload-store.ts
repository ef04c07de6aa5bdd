// The one interface the console talks to for everything it records, for ONE console process. It
// is async and speaks only of uploads, cancels, audit entries and bulk jobs, so that another
// engine can implement it (server/store/store-contract.ts is the test suite every implementation
// runs; server/store/sqlite/ is the SQLite one). Several console replicas over one shared database
// need more than this interface: the in-process cancel dedupe, change feed, bulk-job resume (every
// process would resume every running job) and rate limiter would have to be shared or leased too.
import type {
  AuditEntry,
  BulkCancelItem,
  BulkCancelJob,
  CancelOutcome,
  ListQuery,
  ParsedUploadFilter,
  StatusCounts,
  TimelineEvent,
  UploadRecord,
} from '#contract/dashboard-api.ts';
import type { Upload, UploadPart, UploadStatus } from '#contract/uploads.ts';

export type { StatusCounts };
export type SeenVia = UploadRecord['seen_via'];

export interface RecordContext {
  /** Unix seconds when the proxy saw the object. */
  at: number;
  /** Which operation returned the object. */
  via: SeenVia;
  /** Who caused it, for cancels: an operator name, or `client:<name>` for pass-through traffic. */
  actor?: string | null;
}

/** How many jobs listJobs returns at most. */
export const JOB_LIST_LIMIT = 50;
/** How many cancelled items getJob(id, true) returns at most (the other outcomes are all returned). */
export const JOB_CANCELLED_ITEMS_SHOWN = 1000;

/** A list query; sort defaults to created_at, newest first. */
export type StoreListQuery = Omit<ListQuery, 'sort' | 'order'> & Partial<Pick<ListQuery, 'sort' | 'order'>>;

export interface ListPage {
  data: UploadRecord[];
  nextCursor: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'filename' | 'action'>;

export interface AuditQuery {
  actor?: string | undefined;
  outcome?: CancelOutcome | undefined;
  source?: AuditEntry['source'] | undefined;
  upload_id?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface JobItemToDo {
  seq: number;
  upload_id: string;
}

/** What a cancel's answer does to the recorded upload. */
export type CancelChange =
  /** OpenAI returned the Upload object (normally cancelled): record or merge it. */
  | { kind: 'object'; upload: Upload }
  /** OpenAI refused because the upload had already finished with this status: recorded if it is still pending here, with a timeline event. */
  | { kind: 'status'; status: Exclude<UploadStatus, 'pending'> }
  /** The cancel may or may not have landed: mark the upload outcome-unknown (while pending). */
  | { kind: 'mark_unknown' }
  /** A definitive answer settled an earlier doubt without changing the status (e.g. 404). */
  | { kind: 'clear_unknown' }
  /** Nothing to change on the upload (a failure, a not-found, a joiner of another's call). */
  | { kind: 'none' };

export interface CancelWrite {
  /** The audit entry; previous_status is read by the store inside the transaction. */
  entry: Omit<NewAuditEntry, 'previous_status'>;
  change: CancelChange;
  /** The bulk job item this cancel settles (entry.job_id, which must then be set, names the job). */
  jobItem?: { seq: number } | undefined;
  /** The source to audit instead of entry.source when the store has never seen the upload (a cancel by id). */
  sourceIfUnseen?: AuditEntry['source'] | undefined;
}

export interface CancelWritten {
  /** The upload as recorded after the change (null if the store has never seen it). */
  record: UploadRecord | null;
  audit: AuditEntry;
  /** Whether the change altered the upload (status, unknown mark) so live dashboards should hear of it. */
  changed: boolean;
}

export interface UploadStore {
  // ---- uploads
  /** Records (or merges) an Upload object returned by the upstream. */
  recordUpload(upload: Upload, ctx: RecordContext): Promise<UploadRecord>;
  /** Records a part the upstream accepted; `bytes` is what the proxy counted on the way. */
  recordPart(part: UploadPart, bytes: number, at: number): Promise<UploadRecord | null>;
  getUpload(id: string, now: number): Promise<UploadRecord | null>;
  getUploads(ids: readonly string[], now: number): Promise<Map<string, UploadRecord>>;
  /**
   * Filtered, sorted, keyset-paginated (ties broken by id, in the same order). `now` (unix s)
   * decides expiry and stuckness. `q` is an id or id prefix when it starts with `upload_`,
   * otherwise a filename substring of any length, taken literally, ignoring the case of ASCII
   * letters. Paging is stable while rows change: a row whose sort value does not change is served
   * at most once, and is not skipped while it matches the filter. A cursor from another sort or
   * order, or one this server did not issue, is refused with InvalidCursorError.
   */
  listUploads(query: StoreListQuery, now: number): Promise<ListPage>;
  /** Ids of the pending uploads matching a filter (for "cancel all matching"), newest first. */
  pendingIdsMatching(filter: ParsedUploadFilter, now: number, limit: number): Promise<string[]>;
  /** How many uploads match a filter, split into pending (cancellable) and the rest. */
  countMatching(filter: ParsedUploadFilter, now: number): Promise<{ cancellable: number; skipped: number }>;
  /** By effective status (a lapsed pending upload counts as expired before it is swept), and how many are stuck. */
  countByStatus(now: number): Promise<StatusCounts>;
  /**
   * Marks up to `limit` pending uploads past their expiry as expired, soonest expiry first, and
   * returns them (for live updates). One whose cancel outcome is unknown is left for the reconciler.
   */
  expireLapsed(now: number, limit: number): Promise<UploadRecord[]>;
  /** Everything recorded about an upload, in the order it was recorded. */
  timeline(id: string): Promise<TimelineEvent[]>;
  /** Uploads whose cancel outcome is still unknown, oldest first. */
  cancelsWithUnknownOutcome(limit: number): Promise<string[]>;

  // ---- cancels
  /**
   * THE one write of a cancel's result, in one transaction: reads the upload's status just before
   * (that is the audit entry's previous_status), applies `change` to the upload, writes the audit
   * entry (and, for anything but a success, a cancel_attempt timeline event), and for a bulk item
   * settles its outcome. If that bulk item was already settled, nothing at all is written and null
   * comes back. If any part fails, nothing is kept.
   */
  recordCancelOutcome(write: CancelWrite): Promise<CancelWritten | null>;

  // ---- audit
  listAudit(query: AuditQuery): Promise<{ data: AuditEntry[]; nextCursor: string | null }>;

  // ---- bulk cancel jobs
  createJob(job: { id: string; created_by: string; created_at: number; reason: string | null }, uploadIds: readonly string[]): Promise<BulkCancelJob>;
  /**
   * With items: every settled item whose outcome is not cancelled, in order, then the first
   * JOB_CANCELLED_ITEMS_SHOWN cancelled ones. Items still to do are not listed.
   */
  getJob(id: string, withItems: boolean): Promise<BulkCancelJob | null>;
  /** The JOB_LIST_LIMIT newest jobs (in one state, or all). */
  listJobs(state?: BulkCancelJob['state']): Promise<BulkCancelJob[]>;
  /** Every job still running, however many, oldest first (to resume after a restart). */
  runningJobs(): Promise<BulkCancelJob[]>;
  /** Items without an outcome, in order, after `afterSeq`. */
  jobItemsToDo(jobId: string, afterSeq: number, limit: number): Promise<JobItemToDo[]>;
  /** Records an item's outcome once; a second call for the same item changes nothing. */
  finishJobItem(jobId: string, seq: number, result: Omit<BulkCancelItem, 'upload_id'>): Promise<void>;
  finishJob(jobId: string, at: number, concurrency: number): Promise<BulkCancelJob | null>;

  close(): Promise<void>;
}

export class InvalidCursorError extends Error {
  constructor(detail = 'The cursor is not one this server issued') {
    super(`${detail}. Start again from the first page.`);
  }
}
