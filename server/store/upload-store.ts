// The one interface routes talk to for everything recorded. It is async so that a PostgreSQL
// backend (several proxy replicas behind a load balancer) can implement it without any route
// changing. The SQLite implementation lives in sqlite-store.ts.
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
  /** OpenAI refused because the upload had already finished with this status. */
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
  /** The bulk job item this cancel settles (entry.job_id names the job). */
  jobItem?: { seq: number } | undefined;
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
  /** Records a status learned without an object (e.g. OpenAI refused a cancel because it was completed). */
  recordStatus(id: string, status: Exclude<UploadStatus, 'pending'>, at: number): Promise<UploadRecord | null>;
  getUpload(id: string, now: number): Promise<UploadRecord | null>;
  getUploads(ids: readonly string[], now: number): Promise<Map<string, UploadRecord>>;
  /** Filtered, sorted, keyset-paginated. `now` (unix s) decides expiry and stuckness. */
  listUploads(query: StoreListQuery, now: number): Promise<ListPage>;
  /** Ids of the pending uploads matching a filter (for "cancel all matching"), newest first. */
  pendingIdsMatching(filter: ParsedUploadFilter, now: number, limit: number): Promise<string[]>;
  /** How many uploads match a filter, split into pending (cancellable) and the rest. */
  countMatching(filter: ParsedUploadFilter, now: number): Promise<{ cancellable: number; skipped: number }>;
  countByStatus(now: number): Promise<StatusCounts>;
  /** Marks pending uploads past their expiry as expired; returns them (for live updates). */
  expireLapsed(now: number, limit: number): Promise<UploadRecord[]>;
  timeline(id: string): Promise<TimelineEvent[]>;
  /** Marks that a cancel of this upload may or may not have landed. */
  markCancelUnknown(id: string, at: number): Promise<UploadRecord | null>;
  /** The doubt is settled some other way (e.g. OpenAI answered 404). */
  clearCancelUnknown(id: string, now: number): Promise<UploadRecord | null>;
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
  /**
   * Writes an audit entry. With `jobItem`, the bulk job item's outcome is settled in the same
   * transaction; if that item was already settled, nothing is written and null comes back.
   */
  recordAudit(entry: NewAuditEntry, jobItem?: { seq: number }): Promise<AuditEntry | null>;
  /**
   * A cancel's answer in one transaction: the Upload object it returned (if any) is recorded, and
   * the audit entry is written with the status the upload had just before.
   */
  recordCancel(entry: Omit<NewAuditEntry, 'previous_status'>, upload: Upload | null): Promise<{ record: UploadRecord | null; audit: AuditEntry }>;
  listAudit(query: AuditQuery): Promise<{ data: AuditEntry[]; nextCursor: string | null }>;

  // ---- bulk cancel jobs
  createJob(job: { id: string; created_by: string; created_at: number; reason: string | null }, uploadIds: readonly string[]): Promise<BulkCancelJob>;
  getJob(id: string, withItems: boolean): Promise<BulkCancelJob | null>;
  /** The 50 newest jobs (in one state, or all). */
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
