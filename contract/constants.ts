// The contract's runtime values that need no validation library: the dashboard imports these
// (and only types from the schema modules), so zod stays out of the browser bundle.
// uploads.ts and dashboard-api.ts re-export them, so server/ imports them from there unchanged.

export const UPLOAD_STATUSES = ['pending', 'completed', 'cancelled', 'expired'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** Our choice (contract page): ids reaching an upstream URL path must match this. */
export const UPLOAD_ID_PATTERN = /^upload_[A-Za-z0-9_-]{1,128}$/;

export const SORT_FIELDS = ['created_at', 'expires_at', 'bytes', 'last_activity_at'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const ROLES = ['operator', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

/** The longest reason an operator may give for a cancel (kept in the audit log beside it). */
export const CANCEL_REASON_MAX_LENGTH = 500;

/** The longest `client` or `purpose` value a list filter or a cleanup policy matches on. */
export const MATCH_VALUE_MAX_LENGTH = 64;

/** The bounds of a cleanup policy's fields, which the dashboard's form checks as the server does. */
export const POLICY_LIMITS = {
  nameLength: 80,
  /** Of `client` and `purpose`. */
  matchLength: MATCH_VALUE_MAX_LENGTH,
  stuckAfterMinutes: 7 * 24 * 60,
  olderThanMinutes: 365 * 24 * 60,
} as const;

export const CANCEL_OUTCOMES = ['cancelled', 'already_finished', 'not_found', 'failed', 'unknown', 'skipped'] as const;
export type CancelOutcome = (typeof CANCEL_OUTCOMES)[number];

/**
 * `reconcile`: the server itself, finding out what became of a cancel whose outcome was unknown.
 * `policy`: a cleanup policy's run (its name is the actor).
 */
export const AUDIT_SOURCES = ['dashboard', 'bulk', 'by_id', 'api', 'pass_through', 'reconcile', 'policy'] as const;

// ---- Live updates (GET /api/events, text/event-stream) ----------------------------------------
// event: upload   data: UploadRecord          (an upload changed: recorded, cancelled, expired…)
// event: job      data: BulkCancelJob         (a bulk job progressed; without items)
// event: counts   data: StatusCounts          (at most once a second)
// A comment line (": ping") every 15 s keeps proxies from closing the stream.
export const LIVE_EVENTS = ['upload', 'job', 'counts'] as const;

// ---- CSRF ---------------------------------------------------------------------------------------
/** Header and value the dashboard sends on every state-changing request; cross-site forms cannot set it. */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'uploads-console';

// ---- Activity chart (GET /api/uploads/activity) -------------------------------------------------
/** The windows the uploads-over-time chart offers, each cut into buckets aligned on multiples of their length (UTC). */
export const ACTIVITY_WINDOWS = ['1h', '24h', '7d'] as const;
export type ActivityWindow = (typeof ACTIVITY_WINDOWS)[number];
export const ACTIVITY_WINDOW_SPANS: Readonly<Record<ActivityWindow, { buckets: number; bucketSeconds: number }>> = {
  '1h': { buckets: 12, bucketSeconds: 300 },
  '24h': { buckets: 24, bucketSeconds: 3600 },
  '7d': { buckets: 28, bucketSeconds: 21_600 },
};

// ---- First answers in the page (index.html) ------------------------------------------------------
// For a signed-in operator, the server writes the answers the page will ask for first into the
// HTML it serves, so they arrive with the document instead of after the scripts: a JSON data block
// `<script type="application/json" id="uc-page-answers">` holding { "<GET path>": <body>, … },
// the very bodies those GETs would answer. The dashboard takes each one once, in place of its
// request, shortly after the page loads (src/lib/page-answers.ts).
export const PAGE_ANSWERS_ELEMENT_ID = 'uc-page-answers';
export const SESSION_PATH = '/api/session';
/** What the plain list (`/`) asks first: its first page, newest first (src/app/page-answers.test.ts holds the dashboard to it). */
export const FIRST_LIST_PAGE_PATH = '/api/uploads?limit=100&sort=created_at&order=desc';
