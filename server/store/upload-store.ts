// The one interface the console talks to for everything it records. It is async and speaks only
// of uploads, cancels, audit entries, bulk jobs and the leases replicas take on shared work, so
// that another engine can implement it (server/store/store-contract.ts is the test suite every
// implementation runs; server/store/sqlite/ and server/store/postgres/ are the two). Several console
// replicas may share one database: bulk items and doubtful cancels are claimed under leases (one
// holder at a time, taken over when the holder dies), the leases are also the global bulk
// concurrency slots, and a 429's pause is kept here so every replica honours it.
import type {
  AuditEntry,
  BulkCancelItem,
  BulkCancelJob,
  CancelOutcome,
  ClientCounts,
  ListQuery,
  ParsedUploadFilter,
  StatusCounts,
  TimelineEvent,
  UploadClient,
  UploadRecord,
} from '#contract/dashboard-api.ts';
import type { Upload, UploadPart, UploadStatus } from '#contract/uploads.ts';
import type { PolicyStore } from './policy-store.ts';
import type { ActivityRange } from './activity-buckets.ts';

export type { StatusCounts };
export type SeenVia = UploadRecord['seen_via'];

export interface RecordContext {
  /** Unix seconds when the proxy saw the object. */
  at: number;
  /** Which operation returned the object. */
  via: SeenVia;
  /** Who caused it, for cancels: an operator name, or `client:<name>` for pass-through traffic. */
  actor?: string | null;
  /**
   * The pass-through client the object came through. It becomes the upload's client when the upload
   * has none yet (first sight, or first seen without one, e.g. through a dashboard cancel by id);
   * a client already recorded is never replaced, so the creator stays the owner.
   */
  client?: UploadClient | null;
}

/** How many jobs listJobs returns at most. */
export const JOB_LIST_LIMIT = 50;
/** How many cancelled items getJob(id, true) returns at most (the other outcomes are all returned). */
export const JOB_CANCELLED_ITEMS_SHOWN = 1000;

/**
 * What the store filters by: the API's filter, and for cleanup policies their own idle threshold
 * (with `stuck`: seconds without a part that count as stuck instead of the console's; the rule is
 * otherwise the same, server/domain/stuck-rule.ts).
 */
export type StoreUploadFilter = ParsedUploadFilter & {
  stuck_after_seconds?: number | undefined;
  /** false: leaves out uploads whose cancel outcome is unknown (the reconciler's until it finds out). */
  cancel_unknown?: false | undefined;
};

/** A list query; sort defaults to created_at, newest first. */
export type StoreListQuery = Omit<ListQuery, 'sort' | 'order'> & Partial<Pick<ListQuery, 'sort' | 'order'>> & Pick<StoreUploadFilter, 'stuck_after_seconds' | 'cancel_unknown'>;

export interface ListPage {
  data: UploadRecord[];
  nextCursor: string | null;
}

/** The store fills filename and client (the upload's, read inside the write). */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'filename' | 'action' | 'client'>;

export interface AuditQuery {
  actor?: string | undefined;
  outcome?: CancelOutcome | undefined;
  source?: AuditEntry['source'] | undefined;
  upload_id?: string | undefined;
  job_id?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface JobItemToDo {
  seq: number;
  upload_id: string;
}

/**
 * Who asks for a lease, and for how long. Times are milliseconds since the epoch on the caller's
 * wall clock (not the console's adjustable clock): replicas' clocks must agree to well within a
 * lease (NTP gives milliseconds; a lease lasts seconds).
 */
export interface LeaseTerms {
  /** The replica: unique among live replicas. */
  owner: string;
  now: number;
  /** The lease runs until now + leaseMs unless renewed. */
  leaseMs: number;
}

export interface JobItemKey {
  job_id: string;
  seq: number;
}

/** A bulk item claimed by one replica: its lease is that replica's until it expires, is released, or the item is settled. */
export interface ClaimedJobItem extends JobItemKey {
  upload_id: string;
  /** When a holder marked it sent (ms), or null. Set: an earlier cancel of it may have landed. */
  sent_at: number | null;
  /** The replica that held it last, if another (its lease expired, or it handed it back). */
  taken_from: string | null;
  /** Who started the job and why: the item's audit entry carries them. */
  created_by: string;
  reason: string | null;
}

/** Where a round of reconciliation has got to (keyset: oldest doubt first, then id). */
export interface UnknownCancelClaim {
  id: string;
  since: number;
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
  /** The pass-through client that sent the cancel: the upload's client if it has none yet (see RecordContext.client). */
  client?: UploadClient | undefined;
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
  pendingIdsMatching(filter: StoreUploadFilter, now: number, limit: number): Promise<string[]>;
  /** How many uploads match a filter, split into pending (cancellable) and the rest. */
  countMatching(filter: StoreUploadFilter, now: number): Promise<{ cancellable: number; skipped: number }>;
  /** By effective status (a lapsed pending upload counts as expired before it is swept), and how many are stuck. */
  countByStatus(now: number): Promise<StatusCounts>;
  /** Per client name: its uploads, how many are pending (not lapsed) and stuck; by name. Uploads without a client are left out. */
  countByClient(now: number): Promise<ClientCounts[]>;
  /**
   * Marks up to `limit` pending uploads past their expiry as expired, soonest expiry first, and
   * returns them (for live updates). One whose cancel outcome is unknown is left for the reconciler.
   */
  expireLapsed(now: number, limit: number): Promise<UploadRecord[]>;
  /**
   * Uploads created per bucket of the range (by created_at), by effective status at `now`, stuck
   * as a subset of pending: keyed by bucket start, only buckets with uploads. One statement, on
   * trigger-kept bucket counts and the pending uploads of the range (activity-buckets.ts).
   */
  activityBuckets(range: ActivityRange, now: number): Promise<Map<number, StatusCounts>>;
  /** Everything recorded about an upload, in the order it was recorded. */
  timeline(id: string): Promise<TimelineEvent[]>;
  /** Uploads whose cancel outcome is still unknown, oldest first. */
  cancelsWithUnknownOutcome(limit: number): Promise<string[]>;

  // ---- cancels
  /**
   * THE one write of a cancel's result, in one transaction: reads the upload's status just before
   * (that is the audit entry's previous_status), applies `change` to the upload, writes the audit
   * entry (with the upload's client as it is after the change) (and, for anything but a success, a
   * cancel_attempt timeline event if the upload is recorded), and for a bulk item settles its
   * outcome. If that bulk item was already settled, nothing at all is written and null comes back.
   * If any part fails, nothing is kept.
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
  /** The uploads some running job has still to settle (its items without an outcome), each once: work already in hand. */
  uploadsInRunningJobs(): Promise<string[]>;
  /** Items without an outcome, in order, after `afterSeq`. */
  jobItemsToDo(jobId: string, afterSeq: number, limit: number): Promise<JobItemToDo[]>;
  /** Records an item's outcome once; a second call for the same item changes nothing. */
  finishJobItem(jobId: string, seq: number, result: Omit<BulkCancelItem, 'upload_id'>): Promise<void>;
  /**
   * Marks a running job done once nothing is left to do (every item settled), keeping the largest
   * concurrency recorded. Returns the job only to the call that finished it: null if items are
   * left, if it was already done, or if there is no such job. So exactly one replica announces it.
   */
  finishJob(jobId: string, at: number, concurrency: number): Promise<BulkCancelJob | null>;

  // ---- work shared between replicas
  /**
   * Claims up to `limit` unsettled items of running jobs, oldest job first, then in item order,
   * whose lease is free (never taken, released, or expired). Items leased and unsettled, all owners
   * together, never exceed `cap`: claims are serialised, so the leases are the global concurrency
   * slots (a dead replica's slots free themselves when its leases expire). Each owner gets at most
   * its share, `cap` divided among the owners that claimed within the last lease period (rounded
   * up), so the work spreads over the replicas. Each job's concurrency is raised to the most of its
   * items leased at once.
   */
  claimJobItems(terms: LeaseTerms & { limit: number; cap: number }): Promise<ClaimedJobItem[]>;
  /**
   * Just before an item's upstream call: records that it was sent (the first time only) and
   * extends the lease to now + leaseMs. False, and nothing written, unless `owner` holds an
   * unexpired lease on the unsettled item: the call must then not be made.
   */
  markJobItemSent(terms: LeaseTerms & JobItemKey): Promise<boolean>;
  /**
   * The heartbeat: extends the owner's unexpired leases on these unsettled items (and keeps it
   * counted among the replicas sharing the slots); returns how many it still holds.
   */
  renewJobItems(terms: LeaseTerms, items: readonly JobItemKey[]): Promise<number>;
  /**
   * Hands the owner's leases back at once (these items; or all of its unsettled ones, and its
   * share, as a replica that stops does); sent_at is kept. Returns how many items.
   */
  releaseJobItems(owner: string, items?: readonly JobItemKey[]): Promise<number>;
  /**
   * Claims the next upload whose cancel outcome is unknown (still pending), after `after` in
   * (since, id) order, that no other replica holds: one reconciler at a time per upload.
   */
  claimUnknownCancel(terms: LeaseTerms & { after: UnknownCancelClaim | null }): Promise<UnknownCancelClaim | null>;
  /** Extends the owner's unexpired lease on that upload; false if it no longer holds one. */
  renewUnknownCancel(terms: LeaseTerms, id: string): Promise<boolean>;
  releaseUnknownCancel(owner: string, id: string): Promise<void>;
  /** A 429 asked bulk work to hold off until `until` (ms): kept as the later of this and any pause already set. */
  setUpstreamPause(until: number): Promise<void>;
  /** Until when (ms) bulk work holds off; 0 if never paused. */
  upstreamPausedUntil(): Promise<number>;

  /** Cleanup policies, kept in the same database (policy-store.ts). */
  readonly policies: PolicyStore;
  // ---- retention (server/retention/)
  /**
   * One retention batch, in one short transaction: deletes up to `limit` uploads that finished at or
   * before `cutoff` (unix s, in the past), with their parts and timeline events, and returns how
   * many. Finished: completed or cancelled, last active by then; or expired, or pending past its
   * expiry (lapsed, as expireLapsed sees it), expired and last active by then — but never one whose
   * cancel outcome is unknown (the reconciler's). The status counts stay exact. Several replicas may purge
   * at once: each upload is deleted by one of them. 0 means nothing is left to delete (or what is
   * left is being deleted by another replica right now).
   */
  purgeFinishedUploads(cutoff: number, limit: number): Promise<number>;
  /** One batch: deletes up to `limit` audit entries written at or before `cutoff` (unix s), oldest first; returns how many. */
  purgeAuditEntries(cutoff: number, limit: number): Promise<number>;

  // ---- alerts (server/alerts/): an outbox, so each message is sent once across replicas
  /**
   * Moves the named state (absent: `initial`) to `to` if it is elsewhere, and only then enqueues
   * `message`, in the same transaction: of replicas seeing the same change at once, exactly one
   * moves it (compare-and-set) and enqueues. Returns whether this call did.
   */
  transitionAlertState(change: { name: string; initial: string; to: string; message: NewAlert }): Promise<boolean>;
  /** Enqueues a message once per key: false (and nothing written) if one with that key exists. */
  enqueueAlert(message: NewAlert): Promise<boolean>;
  /**
   * Claims up to `limit` messages due by `now` (not sent nor given up, lease free), oldest first,
   * under a lease, counting the attempt. Claims at once never hand out a message twice.
   */
  claimAlerts(terms: LeaseTerms & { limit: number }): Promise<ClaimedAlert[]>;
  /**
   * Settles an attempt of a message `owner` holds: sent; or failed, to be tried again at `retryAt`
   * (ms), or given up (null). False, and nothing written, if the lease is no longer `owner`'s.
   */
  settleAlert(owner: string, id: number, result: AlertAttempt): Promise<boolean>;
  /** Retention: deletes up to `limit` messages sent or given up, queued at or before `cutoff` (ms); returns how many. */
  purgeSettledAlerts(cutoff: number, limit: number): Promise<number>;

  /** Resolves when the database answers a trivial query (readiness checks); rejects when it cannot be reached. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** A message for the alert webhook (times in ms). */
export interface NewAlert {
  /** Unique per message: enqueueing the same key again is a no-op. */
  key: string;
  /** The JSON body to POST. */
  body: string;
  created_at: number;
}

export interface ClaimedAlert {
  id: number;
  key: string;
  body: string;
  /** Attempts so far, this one included. */
  attempts: number;
}

export type AlertAttempt = { sent: true; at: number } | { sent: false; at: number; error: string; retryAt: number | null };

export class InvalidCursorError extends Error {
  constructor(detail = 'The cursor is not one this server issued') {
    super(`${detail}. Start again from the first page.`);
  }
}
