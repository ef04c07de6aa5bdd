// Shapes of the dashboard's own API (/api/*), shared by the proxy and the dashboard.
import { z } from 'zod';
import { ACTIVITY_WINDOWS, AUDIT_SOURCES, CANCEL_OUTCOMES, CANCEL_REASON_MAX_LENGTH, MATCH_VALUE_MAX_LENGTH, ROLES, SORT_FIELDS, UPLOAD_ID_PATTERN, UPLOAD_STATUSES } from './constants.ts';
import { uploadSchema } from './uploads.ts';

export {
  ACTIVITY_WINDOWS,
  ACTIVITY_WINDOW_SPANS,
  type ActivityWindow,
  AUDIT_SOURCES,
  CANCEL_OUTCOMES,
  LIVE_EVENTS,
  ROLES,
  SORT_FIELDS,
  type CancelOutcome,
  type Role,
  type SortField,
} from './constants.ts';

/** Why a pending upload is stuck: nothing arrived for a while, or it cannot finish in time. */
export const stuckSchema = z.object({
  reason: z.enum(['idle', 'too_slow']),
  /** Plain words for the operator, e.g. "No part received for 23 min". */
  message: z.string(),
});
export type Stuck = z.infer<typeof stuckSchema>;

/**
 * The client an upload came through: the name of its client token (CLIENT_TOKENS), and the software
 * as the request identified itself (e.g. `node 6.49.0`, `python 3.22.1`, `curl/7.88.1`; null when
 * the request said nothing). See server/lib/client-identity.ts.
 */
export const uploadClientSchema = z.object({
  name: z.string(),
  sdk: z.string().nullable(),
});
export type UploadClient = z.infer<typeof uploadClientSchema>;

/** What the proxy knows about an upload beyond the Upload object itself. */
export const uploadRecordSchema = z.object({
  upload: uploadSchema,
  /** Effective status: `expired` is derived for pending uploads past `expires_at`. */
  status: z.enum(UPLOAD_STATUSES),
  parts_count: z.number().int(),
  bytes_received: z.number().int(),
  /** Unix seconds of the last thing the proxy saw happen to this upload. */
  last_activity_at: z.number().int(),
  first_seen_at: z.number().int(),
  /** How the proxy first learned of the upload: through create, or only through a cancel by id. */
  seen_via: z.enum(['create', 'cancel', 'complete', 'part']),
  cancelled_by: z.string().nullable(),
  cancelled_at: z.number().int().nullable(),
  /** Set for pending uploads that look stuck (see STUCK rules on the server); null otherwise. */
  stuck: stuckSchema.nullable().default(null),
  /** A cancel was sent but its answer never came: it may or may not have landed. The server is finding out. */
  cancel_outcome_unknown: z.boolean().default(false),
  /** The client that made it (the first one the proxy saw it through); null for uploads seen only through a cancel by id. */
  client: uploadClientSchema.nullable().default(null),
});
export type UploadRecord = z.infer<typeof uploadRecordSchema>;

/**
 * Some character that String.prototype.trim keeps: with `.trim().min(1)` the check a JSON Schema
 * can carry (its `pattern`), so the API's description says a blank value is refused, as it is.
 * The whitespace is spelled out because `\s` means a different set in other languages' regexes.
 */
const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
/** No text filter may hold U+0000: SQLite's full-text query ends at it, PostgreSQL refuses it in text. */
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point
const NO_NUL = /^[^\u0000]*$/;
/**
 * Free text of at most `max` characters, then trimmed. The bound holds for the text as sent, which
 * is what the description's `maxLength` says: checked after the trim, 81 characters led by a tab
 * passed (Schemathesis found it).
 */
const trimmedText = (max: number) => z.string().max(max).trim();
export const nonBlank = (max: number) => trimmedText(max).min(1).regex(NOT_BLANK, 'must not be blank').regex(NO_NUL, 'must not contain the NUL character');
const cancelReason = trimmedText(CANCEL_REASON_MAX_LENGTH).optional();

/** `true`/`false` as a query string value, or as a JSON boolean in a request body. */
const boolParam = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/**
 * Ages in seconds, as a query string gives them. A blank value is refused: z.coerce alone would read
 * `?newer_than=` as 0 ("created at most 0 s ago") and answer an empty list as if that were asked.
 */
const queryAgeSeconds = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? Number.NaN : value),
  z.coerce.number().int().min(0).max(10 * 365 * 86400),
);

/** The latest instant a created-time filter takes: the end of year 9999, in unix seconds. */
const MAX_UNIX_SECONDS = 253_402_300_799;
/** A moment in unix seconds, as a query string gives it (blank refused, as for ages). */
const queryUnixSeconds = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? Number.NaN : value),
  z.coerce.number().int().min(0).max(MAX_UNIX_SECONDS),
);

/** Filters shared by the list, the bulk-cancel preview and select-all-matching bulk jobs. */
export const uploadFilterSchema = z.object({
  status: z.enum(UPLOAD_STATUSES).optional(),
  /** Only stuck pending uploads. */
  stuck: boolParam.optional(),
  purpose: nonBlank(MATCH_VALUE_MAX_LENGTH).optional(),
  /** Only uploads made through this client token (its name in CLIENT_TOKENS). */
  client: nonBlank(MATCH_VALUE_MAX_LENGTH).optional(),
  /** Case-insensitive filename substring, or an id (or id prefix) starting with `upload_`. */
  q: nonBlank(200).optional(),
  /** Created at least this many seconds ago. */
  older_than: queryAgeSeconds.optional(),
  /** Created at most this many seconds ago. */
  newer_than: queryAgeSeconds.optional(),
  /** Created at or after this moment (unix seconds). With created_before, a half-open window: a chart bar's. */
  created_after: queryUnixSeconds.optional(),
  /** Created before this moment (unix seconds; the moment itself is not included). */
  created_before: queryUnixSeconds.optional(),
});
export type UploadFilter = z.input<typeof uploadFilterSchema>;
export type ParsedUploadFilter = z.output<typeof uploadFilterSchema>;

export const listQuerySchema = uploadFilterSchema.extend({
  sort: z.enum(SORT_FIELDS).default('created_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const statusCountsSchema = z.object({
  pending: z.number().int(),
  completed: z.number().int(),
  cancelled: z.number().int(),
  expired: z.number().int(),
  /** Pending uploads that are stuck (a subset of pending). */
  stuck: z.number().int(),
});
export type StatusCounts = z.infer<typeof statusCountsSchema>;

export const uploadListSchema = z.object({
  object: z.literal('list'),
  data: z.array(uploadRecordSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
  /** Counts over all recorded uploads (not only this page, and ignoring the filters). */
  counts: statusCountsSchema,
});
export type UploadList = z.infer<typeof uploadListSchema>;

/** One client's uploads, as GET /api/clients counts them. */
export const clientCountsSchema = z.object({
  /** The client token's name (CLIENT_TOKENS). */
  name: z.string(),
  /** Pending uploads (not yet expired) made through it. */
  pending: z.number().int(),
  /** Its pending uploads that are stuck (a subset of pending). */
  stuck: z.number().int(),
  /** Every recorded upload made through it. */
  total: z.number().int(),
});
export type ClientCounts = z.infer<typeof clientCountsSchema>;

/** Answer of GET /api/clients: every client that made a recorded upload, by name. */
export const clientListSchema = z.object({ object: z.literal('list'), data: z.array(clientCountsSchema) });
export type ClientList = z.infer<typeof clientListSchema>;
// ---- Activity (the uploads-over-time chart) --------------------------------------------------

/** Query of GET /api/uploads/activity. */
export const activityQuerySchema = z.object({
  /** How far back: the last hour (5-minute buckets), 24 hours (hourly) or 7 days (6-hourly). */
  window: z.enum(ACTIVITY_WINDOWS).default('24h'),
});

export const activityBucketSchema = z.object({
  /** Unix seconds: the bucket holds uploads created at or after `start` and before `end`. */
  start: z.number().int(),
  end: z.number().int(),
  /** By effective status now; `stuck` is the part of `pending` that is stuck. */
  counts: statusCountsSchema,
});
export type ActivityBucket = z.infer<typeof activityBucketSchema>;

/** Answer of GET /api/uploads/activity: uploads created per time bucket, every bucket of the window, oldest first. */
export const uploadActivitySchema = z.object({
  object: z.literal('upload_activity'),
  window: z.enum(ACTIVITY_WINDOWS),
  bucket_seconds: z.number().int(),
  /** The first bucket's start; the last bucket holds the current moment and ends after it. */
  start: z.number().int(),
  end: z.number().int(),
  buckets: z.array(activityBucketSchema),
  /** The buckets summed. */
  totals: statusCountsSchema,
});
export type UploadActivity = z.infer<typeof uploadActivitySchema>;

export const sessionSchema = z.object({
  operator: z.string(),
  role: z.enum(ROLES).default('operator'),
  upstream: z.enum(['emulator', 'openai']),
  /** Minutes without a part after which a pending upload counts as stuck. */
  stuck_after_minutes: z.number().default(10),
  /** How far back the list goes: finished uploads are kept this many days (RETENTION_DAYS); null keeps them all. */
  history_days: z.number().nullable().default(null),
  /** Audit entries are kept this many days (AUDIT_RETENTION_DAYS); null keeps them all. */
  audit_history_days: z.number().nullable().default(null),
});
export type Session = z.infer<typeof sessionSchema>;

/** Body of POST /api/uploads/:id/cancel (optional). */
export const cancelBodySchema = z.object({
  reason: cancelReason,
});

/** Body of POST /api/session: trade an operator token for a session cookie. */
export const loginRequestSchema = z.object({ token: z.string().min(1, 'is required').max(512) });

// ---- Bulk cancel -----------------------------------------------------------------------------

const uploadIdList = z.array(z.string().regex(UPLOAD_ID_PATTERN, 'must look like upload_abc123')).min(1).max(10_000);

/** Either explicit ids or "everything matching this filter" (select all matching). */
export const bulkCancelRequestSchema = z.union([
  z.object({ ids: uploadIdList, reason: cancelReason }).strict(),
  z.object({ filter: uploadFilterSchema, reason: cancelReason }).strict(),
]);
export type BulkCancelRequest = z.input<typeof bulkCancelRequestSchema>;

/** Ages in seconds, as a JSON body gives them. */
const bodyAgeSeconds = z.number().int().min(0).max(10 * 365 * 86400);
/** Moments in unix seconds, as a JSON body gives them. */
const bodyUnixSeconds = z.number().int().min(0).max(MAX_UNIX_SECONDS);

/**
 * The body of POST /api/bulk-cancels and /preview as the server checks it: bulkCancelRequestSchema,
 * except that ages are JSON numbers. (z.coerce, right for a query string, would also turn `null`,
 * `true` or `""` into a number: `"newer_than": null` would silently mean "created 0 s ago".)
 */
export const bulkCancelBodySchema = z.union([
  z.object({ ids: uploadIdList, reason: cancelReason }).strict(),
  z
    .object({
      filter: uploadFilterSchema.extend({
        older_than: bodyAgeSeconds.optional(),
        newer_than: bodyAgeSeconds.optional(),
        created_after: bodyUnixSeconds.optional(),
        created_before: bodyUnixSeconds.optional(),
      }),
      reason: cancelReason,
    })
    .strict(),
]);

/** Answer of POST /api/bulk-cancels/preview: what a bulk cancel would touch. */
export const bulkCancelPreviewSchema = z.object({
  /** Pending uploads that would be cancelled. */
  cancellable: z.number().int(),
  /** Selected or matching uploads that are already finished (completed, cancelled, expired) and will be skipped. */
  skipped: z.number().int(),
  /** Ids the console has never seen (explicit ids only); they are sent as cancel-by-id. */
  unknown: z.number().int(),
});
export type BulkCancelPreview = z.infer<typeof bulkCancelPreviewSchema>;

export const bulkCancelItemSchema = z.object({
  upload_id: z.string(),
  outcome: z.enum(CANCEL_OUTCOMES).nullable(),
  message: z.string().nullable(),
  upstream_status: z.number().int().nullable(),
});
export type BulkCancelItem = z.infer<typeof bulkCancelItemSchema>;

export const bulkCancelJobSchema = z.object({
  id: z.string(),
  object: z.literal('bulk_cancel'),
  state: z.enum(['running', 'done']),
  created_by: z.string(),
  created_at: z.number().int(),
  finished_at: z.number().int().nullable(),
  reason: z.string().nullable(),
  total: z.number().int(),
  /** Items by outcome so far; `pending` is what is left to do. */
  progress: z.object({
    pending: z.number().int(),
    cancelled: z.number().int(),
    already_finished: z.number().int(),
    not_found: z.number().int(),
    failed: z.number().int(),
    unknown: z.number().int(),
    skipped: z.number().int(),
  }),
  /** The largest number of upstream calls in flight at once. */
  concurrency: z.number().int(),
  /** Only in GET /api/bulk-cancels/:id: every item that is done and not cancelled, plus up to 1,000 cancelled ones. */
  items: z.array(bulkCancelItemSchema).optional(),
});
export type BulkCancelJob = z.infer<typeof bulkCancelJobSchema>;

export const bulkCancelJobListSchema = z.object({ object: z.literal('list'), data: z.array(bulkCancelJobSchema) });

/** Query of GET /api/bulk-cancels. */
export const bulkCancelListQuerySchema = z.object({ state: z.enum(['running', 'done']).optional() });

/** The id of a bulk cancel job, as POST /api/bulk-cancels makes it. */
export const BULK_CANCEL_ID_PATTERN = /^bulk_[a-f0-9]{24}$/;
export const bulkCancelIdSchema = z.string().regex(BULK_CANCEL_ID_PATTERN, 'must look like bulk_ followed by 24 hex digits');

// ---- Audit -----------------------------------------------------------------------------------

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  actor: z.string(),
  action: z.literal('cancel'),
  source: z.enum(AUDIT_SOURCES),
  upload_id: z.string(),
  filename: z.string().nullable(),
  reason: z.string().nullable(),
  /** The console's view of the upload's status just before the cancel (null if never seen). */
  previous_status: z.enum(UPLOAD_STATUSES).nullable(),
  outcome: z.enum(CANCEL_OUTCOMES),
  upstream_status: z.number().int().nullable(),
  request_id: z.string().nullable(),
  job_id: z.string().nullable(),
  message: z.string().nullable(),
  /** The upload's client (its owner) when the cancel was written; null if it had none or was never seen. */
  client: uploadClientSchema.nullable().default(null),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.object({
  actor: nonBlank(100).optional(),
  outcome: z.enum(CANCEL_OUTCOMES).optional(),
  source: z.enum(AUDIT_SOURCES).optional(),
  upload_id: nonBlank(140).optional(),
  /** Only the cancels of one bulk job (a cleanup policy's run is one). */
  job_id: nonBlank(64).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditListSchema = z.object({
  object: z.literal('list'),
  data: z.array(auditEntrySchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
});
export type AuditList = z.infer<typeof auditListSchema>;

/** Query of GET /api/audit/export.csv: the list's filters, every page. */
export const auditExportQuerySchema = auditQuerySchema.omit({ cursor: true, limit: true });

/** One line of an upload's history, for its detail page. */
export const timelineEventSchema = z.object({
  at: z.number().int(),
  kind: z.enum(['created', 'seen', 'part', 'completed', 'cancelled', 'expired', 'cancel_attempt']),
  actor: z.string().nullable(),
  /** Plain words, e.g. "Part of 4.2 MB received" or "Cancel by alice failed: Rate limit reached…". */
  message: z.string(),
});
export const timelineSchema = z.object({ object: z.literal('list'), data: z.array(timelineEventSchema) });
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
