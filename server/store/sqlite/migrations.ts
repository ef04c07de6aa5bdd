// Schema migrations, applied in order; PRAGMA user_version holds how many have run.
// Never edit a migration that has shipped: add a new one.
export const migrations: readonly string[] = [
  `
  CREATE TABLE uploads (
    id               TEXT PRIMARY KEY,
    status           TEXT NOT NULL,      -- as the upstream last reported it; expiry is derived
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    bytes            INTEGER NOT NULL,
    filename         TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    object_json      TEXT NOT NULL,      -- the latest Upload object, verbatim
    parts_count      INTEGER NOT NULL DEFAULT 0,
    bytes_received   INTEGER NOT NULL DEFAULT 0,
    first_seen_at    INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    seen_via         TEXT NOT NULL,
    cancelled_by     TEXT,
    cancelled_at     INTEGER
  ) STRICT;
  CREATE INDEX uploads_by_created ON uploads (created_at DESC, id DESC);
  CREATE INDEX uploads_by_status_created ON uploads (status, created_at DESC, id DESC);
  CREATE INDEX uploads_by_status_expiry ON uploads (status, expires_at);

  CREATE TABLE upload_parts (
    id         TEXT PRIMARY KEY,
    upload_id  TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX upload_parts_by_upload ON upload_parts (upload_id);

  CREATE TABLE upload_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    upload_id TEXT NOT NULL,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,             -- created | part | completed | cancelled | expired | seen
    actor     TEXT,
    detail    TEXT
  ) STRICT;
  CREATE INDEX upload_events_by_upload ON upload_events (upload_id, seq);
  `,
  `
  -- Sorting by any listed column, newest or oldest first, with keyset pagination.
  CREATE INDEX uploads_by_expiry ON uploads (expires_at, id);
  CREATE INDEX uploads_by_bytes ON uploads (bytes, id);
  CREATE INDEX uploads_by_activity ON uploads (last_activity_at, id);
  CREATE INDEX uploads_by_status_bytes ON uploads (status, bytes, id);
  CREATE INDEX uploads_by_status_activity ON uploads (status, last_activity_at, id);
  CREATE INDEX uploads_by_purpose_created ON uploads (purpose, created_at, id);

  -- Status counts kept by triggers, so the dashboard's tabs never count the whole table.
  CREATE TABLE upload_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT;
  INSERT INTO upload_counts (status, n) SELECT status, COUNT(*) FROM uploads GROUP BY status;
  CREATE TRIGGER upload_counts_insert AFTER INSERT ON uploads BEGIN
    INSERT INTO upload_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER upload_counts_update AFTER UPDATE OF status ON uploads WHEN OLD.status IS NOT NEW.status BEGIN
    UPDATE upload_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO upload_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER upload_counts_delete AFTER DELETE ON uploads BEGIN
    UPDATE upload_counts SET n = n - 1 WHERE status = OLD.status;
  END;

  -- Filename substring search: a trigram index answers '%…%' without scanning every row.
  CREATE VIRTUAL TABLE uploads_search USING fts5 (filename, tokenize = 'trigram');
  INSERT INTO uploads_search (rowid, filename) SELECT rowid, filename FROM uploads;
  CREATE TRIGGER uploads_search_insert AFTER INSERT ON uploads BEGIN
    INSERT INTO uploads_search (rowid, filename) VALUES (NEW.rowid, NEW.filename);
  END;
  CREATE TRIGGER uploads_search_update AFTER UPDATE OF filename ON uploads WHEN OLD.filename IS NOT NEW.filename BEGIN
    UPDATE uploads_search SET filename = NEW.filename WHERE rowid = NEW.rowid;
  END;
  CREATE TRIGGER uploads_search_delete AFTER DELETE ON uploads BEGIN
    DELETE FROM uploads_search WHERE rowid = OLD.rowid;
  END;

  -- Every cancel attempt: who, when, why, what it was before, what happened, what OpenAI said.
  CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    source          TEXT NOT NULL,
    upload_id       TEXT NOT NULL,
    reason          TEXT,
    previous_status TEXT,
    outcome         TEXT NOT NULL,
    upstream_status INTEGER,
    request_id      TEXT,
    job_id          TEXT,
    message         TEXT
  ) STRICT;
  CREATE INDEX audit_by_upload ON audit_log (upload_id, id);
  CREATE INDEX audit_by_actor ON audit_log (actor, id);
  CREATE INDEX audit_by_outcome ON audit_log (outcome, id);

  -- Bulk cancels run as server-side jobs that survive a restart: an item with no outcome is still to do.
  CREATE TABLE bulk_jobs (
    id          TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER,
    reason      TEXT,
    total       INTEGER NOT NULL,
    concurrency INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX bulk_jobs_by_state ON bulk_jobs (state, created_at);
  CREATE TABLE bulk_job_items (
    job_id          TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    upload_id       TEXT NOT NULL,
    outcome         TEXT,
    message         TEXT,
    upstream_status INTEGER,
    PRIMARY KEY (job_id, seq)
  ) STRICT;
  CREATE INDEX bulk_job_items_todo ON bulk_job_items (job_id, outcome, seq);
  `,
  `
  -- A cancel whose outcome is unknown (it timed out after leaving): neither cancelled nor pending
  -- until the reconciler finds out.
  ALTER TABLE uploads ADD COLUMN cancel_unknown_since INTEGER;
  CREATE INDEX uploads_cancel_unknown ON uploads (cancel_unknown_since) WHERE cancel_unknown_since IS NOT NULL;
  `,
  `
  -- Sorting one status by expiry pages on (expires_at, id) like every other sort; without id in the
  -- index each page sorted its whole status in a temporary tree. The sweep uses the same index.
  CREATE INDEX uploads_by_status_expiry_id ON uploads (status, expires_at, id);
  DROP INDEX uploads_by_status_expiry;
  `,
  `
  -- Work shared between console processes (see upload-store.ts). A bulk item is claimed under a
  -- lease (times in ms): lease_owner holds it until lease_until; a NULL or past lease_until is free
  -- to claim. sent_at is written just before its upstream call: an item claimed again with it set
  -- may already have been cancelled. Leased unsettled items are the global concurrency slots.
  ALTER TABLE bulk_job_items ADD COLUMN lease_owner TEXT;
  ALTER TABLE bulk_job_items ADD COLUMN lease_until INTEGER;
  ALTER TABLE bulk_job_items ADD COLUMN sent_at INTEGER;
  CREATE INDEX bulk_job_items_leased ON bulk_job_items (lease_until) WHERE outcome IS NULL AND lease_until IS NOT NULL;

  -- Replicas that claimed bulk items within the last lease period share the slots between them.
  CREATE TABLE bulk_replicas (
    owner      TEXT PRIMARY KEY,
    seen_until INTEGER NOT NULL
  ) STRICT;

  -- One reconciler at a time per doubtful cancel; a row is deleted when its holder is done.
  CREATE TABLE reconcile_leases (
    upload_id   TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    lease_until INTEGER NOT NULL
  ) STRICT;

  -- A 429's retry-after, honoured by every process's bulk work: one row.
  CREATE TABLE upstream_pause (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    paused_until INTEGER NOT NULL
  ) STRICT;
  INSERT INTO upstream_pause (id, paused_until) VALUES (1, 0);
  `,
  `
  -- policies: cleanup policies (server/store/policy-store.ts). Times in unix seconds.
  CREATE TABLE policies (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    enabled             INTEGER NOT NULL,
    stuck               INTEGER NOT NULL,
    stuck_after_minutes INTEGER,
    older_than_minutes  INTEGER,
    client              TEXT,
    purpose             TEXT,
    created_by          TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_by          TEXT NOT NULL,
    updated_at          INTEGER NOT NULL
  ) STRICT;

  -- One row per evaluation that matched something: the bulk job it started (no foreign keys, so
  -- a deleted policy's runs stay, as its cancels' audit entries do).
  CREATE TABLE policy_runs (
    id          TEXT PRIMARY KEY,
    policy_id   TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    matched     INTEGER NOT NULL,
    job_id      TEXT NOT NULL UNIQUE
  ) STRICT;
  CREATE INDEX policy_runs_by_policy ON policy_runs (policy_id, started_at);
  CREATE INDEX policy_runs_unfinished ON policy_runs (started_at) WHERE finished_at IS NULL;

  -- Who changed which policy, how, and when (and the global pause).
  CREATE TABLE policy_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    policy_id   TEXT,
    policy_name TEXT,
    detail      TEXT
  ) STRICT;

  -- One row: the global pause, and when the next round of evaluation is due (claimed by one
  -- process at a time with a conditional UPDATE).
  CREATE TABLE policy_schedule (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    next_round_at INTEGER NOT NULL,
    paused        INTEGER NOT NULL,
    changed_by    TEXT,
    changed_at    INTEGER
  ) STRICT;
  INSERT INTO policy_schedule (id, next_round_at, paused) VALUES (1, 0, 0);

  -- The audit log filtered to one bulk job (a policy run's cancels), newest first.
  CREATE INDEX audit_log_by_job ON audit_log (job_id, id) WHERE job_id IS NOT NULL;
  `,
  `
  -- owners: which client made each upload (issue 12): its token's name and the software it named
  -- (both null for an upload seen only through a cancel by id), filterable by name with keyset
  -- paging; each audit entry keeps the upload's client as it was when the cancel was written.
  ALTER TABLE uploads ADD COLUMN client_name TEXT;
  ALTER TABLE uploads ADD COLUMN client_sdk TEXT;
  CREATE INDEX uploads_by_client_created ON uploads (client_name, created_at, id);
  ALTER TABLE audit_log ADD COLUMN client_name TEXT;
  ALTER TABLE audit_log ADD COLUMN client_sdk TEXT;
  `,
  `
  -- retention: audit entries leave the store after AUDIT_RETENTION_DAYS, oldest first, by this range
  -- (finished uploads leave by uploads_by_activity; the counts and search triggers handle deletes).
  CREATE INDEX audit_by_at ON audit_log (at, id);
  `,
  `
  -- retention: alerts (server/alerts/) go out through this outbox, so each is sent once whichever
  -- process sees the change. A state ('stuck': above | below) changes by compare-and-set, and the
  -- message of the change is enqueued in the same transaction. A message is claimed under a lease
  -- (times in ms), then marked sent, or given a later attempt, or given up.
  CREATE TABLE alert_states (
    name       TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    changed_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE alert_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL UNIQUE,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    sent_at         INTEGER,
    gave_up_at      INTEGER,
    last_error      TEXT
  ) STRICT;
  CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND gave_up_at IS NULL;
  `,
  `
  -- chart: uploads created per time bucket (5-minute and hourly, by created_at) and stored status,
  -- kept by triggers like upload_counts, so the activity chart sums a few hundred rows for a week
  -- instead of counting every upload in it (server/store/activity-buckets.ts).
  CREATE TABLE upload_activity (
    size   INTEGER NOT NULL,             -- the bucket's length in seconds: 300 or 3600
    bucket INTEGER NOT NULL,             -- created_at / size
    status TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (size, bucket, status)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO upload_activity (size, bucket, status, n)
    SELECT 300, created_at / 300, status, COUNT(*) FROM uploads GROUP BY 2, 3
    UNION ALL SELECT 3600, created_at / 3600, status, COUNT(*) FROM uploads GROUP BY 2, 3;
  CREATE TRIGGER upload_activity_insert AFTER INSERT ON uploads BEGIN
    INSERT INTO upload_activity (size, bucket, status, n)
      VALUES (300, NEW.created_at / 300, NEW.status, 1), (3600, NEW.created_at / 3600, NEW.status, 1)
      ON CONFLICT (size, bucket, status) DO UPDATE SET n = n + excluded.n;
  END;
  CREATE TRIGGER upload_activity_update AFTER UPDATE OF status, created_at ON uploads
    WHEN OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at BEGIN
    UPDATE upload_activity SET n = n - 1 WHERE status = OLD.status
      AND ((size = 300 AND bucket = OLD.created_at / 300) OR (size = 3600 AND bucket = OLD.created_at / 3600));
    INSERT INTO upload_activity (size, bucket, status, n)
      VALUES (300, NEW.created_at / 300, NEW.status, 1), (3600, NEW.created_at / 3600, NEW.status, 1)
      ON CONFLICT (size, bucket, status) DO UPDATE SET n = n + excluded.n;
  END;
  CREATE TRIGGER upload_activity_delete AFTER DELETE ON uploads BEGIN
    UPDATE upload_activity SET n = n - 1 WHERE status = OLD.status
      AND ((size = 300 AND bucket = OLD.created_at / 300) OR (size = 3600 AND bucket = OLD.created_at / 3600));
  END;
  `,
  `
  -- fixclients: uploads per client name, kept by triggers like upload_counts, so the clients list
  -- reads one row per client instead of grouping every upload (pending and stuck per client stay
  -- index ranges over pending uploads). A client's row stays at 0 once its uploads are purged.
  CREATE TABLE client_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO client_counts (name, n) SELECT client_name, COUNT(*) FROM uploads WHERE client_name IS NOT NULL GROUP BY client_name;
  CREATE TRIGGER uploads_clients_insert AFTER INSERT ON uploads WHEN NEW.client_name IS NOT NULL BEGIN
    INSERT INTO client_counts (name, n) VALUES (NEW.client_name, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER uploads_clients_update AFTER UPDATE OF client_name ON uploads WHEN OLD.client_name IS NOT NEW.client_name BEGIN
    UPDATE client_counts SET n = n - 1 WHERE name = OLD.client_name;
    INSERT INTO client_counts (name, n) SELECT NEW.client_name, 1 WHERE NEW.client_name IS NOT NULL
      ON CONFLICT (name) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER uploads_clients_delete AFTER DELETE ON uploads WHEN OLD.client_name IS NOT NULL BEGIN
    UPDATE client_counts SET n = n - 1 WHERE name = OLD.client_name;
  END;
  `,
  `
  -- reads: the search index keyed in the list's order, so a newest-first search reads its first
  -- matches and stops instead of producing every match to sort them (filter-sql.ts). Its rowid is
  -- (4294967295 - created_at) << 31 | the upload's rowid: ascending rowids are newest first, and
  -- the upload's rowid is the low 31 bits (created_at clamped to 0..2^32-1, so the order holds for
  -- any value; rowids stay below 2^31 for two billion uploads). Same writes as before: one FTS row.
  DROP TRIGGER uploads_search_insert;
  DROP TRIGGER uploads_search_update;
  DROP TRIGGER uploads_search_delete;
  DROP TABLE uploads_search;
  CREATE VIRTUAL TABLE uploads_search USING fts5 (filename, tokenize = 'trigram');
  INSERT INTO uploads_search (rowid, filename)
    SELECT ((4294967295 - MIN(MAX(created_at, 0), 4294967295)) << 31) | rowid, filename FROM uploads;
  CREATE TRIGGER uploads_search_insert AFTER INSERT ON uploads BEGIN
    INSERT INTO uploads_search (rowid, filename)
      VALUES (((4294967295 - MIN(MAX(NEW.created_at, 0), 4294967295)) << 31) | NEW.rowid, NEW.filename);
  END;
  CREATE TRIGGER uploads_search_update AFTER UPDATE OF filename, created_at ON uploads
    WHEN OLD.filename IS NOT NEW.filename OR OLD.created_at IS NOT NEW.created_at BEGIN
    DELETE FROM uploads_search WHERE rowid = ((4294967295 - MIN(MAX(OLD.created_at, 0), 4294967295)) << 31) | OLD.rowid;
    INSERT INTO uploads_search (rowid, filename)
      VALUES (((4294967295 - MIN(MAX(NEW.created_at, 0), 4294967295)) << 31) | NEW.rowid, NEW.filename);
  END;
  CREATE TRIGGER uploads_search_delete AFTER DELETE ON uploads BEGIN
    DELETE FROM uploads_search WHERE rowid = ((4294967295 - MIN(MAX(OLD.created_at, 0), 4294967295)) << 31) | OLD.rowid;
  END;
  `,
];
