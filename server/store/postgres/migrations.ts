// PostgreSQL schema migrations, applied in order by migrate.ts (in one transaction, under an
// advisory lock, so replicas starting at once apply each exactly once). schema_migrations holds
// the versions applied. Never edit a migration that has shipped: add a new one.
//
// The same tables as the SQLite store (server/store/migrations.ts), with these differences:
// - the Upload object is `jsonb` (column `object`): key order is not kept, values are;
// - ids sort in binary order (COLLATE "C"), as SQLite's do, so keyset ties and id-prefix ranges agree;
// - btree indexes are scanned both ways, so one (sort_col, id) index serves asc and desc;
// - filename search is `LIKE '%…%'` on a lower-cased copy of the filename (migration 9): walked in
//   uploads_by_created, which carries it, or looked up in a pg_trgm GIN index (no search table to keep in sync);
// - every change to an upload or a bulk job is announced with NOTIFY (see migration 1, "Live updates").

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'uploads, audit, bulk jobs, counts, search, notify',
    sql: `
    -- Trusted since PostgreSQL 13: the database owner may create it without being superuser.
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE TABLE uploads (
      id                   text COLLATE "C" PRIMARY KEY,
      status               text NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled', 'expired')), -- as the upstream last reported it; expiry is derived
      created_at           bigint NOT NULL,          -- unix seconds (bigint columns are parsed to Number by the store's pool)
      expires_at           bigint NOT NULL,
      bytes                bigint NOT NULL,
      filename             text NOT NULL,
      purpose              text NOT NULL,
      object               jsonb NOT NULL,           -- the latest Upload object
      parts_count          integer NOT NULL DEFAULT 0,
      bytes_received       bigint NOT NULL DEFAULT 0,
      first_seen_at        bigint NOT NULL,
      last_activity_at     bigint NOT NULL,
      seen_via             text NOT NULL,
      cancelled_by         text,
      cancelled_at         bigint,
      cancel_unknown_since bigint                    -- a cancel whose outcome is unknown, until the reconciler finds out
    );
    -- Sorting by any listed column, newest or oldest first, with keyset pagination on (sort_col, id).
    CREATE INDEX uploads_by_created ON uploads (created_at, id);
    CREATE INDEX uploads_by_expiry ON uploads (expires_at, id);
    CREATE INDEX uploads_by_bytes ON uploads (bytes, id);
    CREATE INDEX uploads_by_activity ON uploads (last_activity_at, id);
    -- The same within one stored status (the status tabs). by_status_expiry also answers the
    -- lapsed and stuck counts and the expiry sweep with a range.
    CREATE INDEX uploads_by_status_created ON uploads (status, created_at, id);
    CREATE INDEX uploads_by_status_expiry ON uploads (status, expires_at, id);
    CREATE INDEX uploads_by_status_bytes ON uploads (status, bytes, id);
    CREATE INDEX uploads_by_status_activity ON uploads (status, last_activity_at, id);
    CREATE INDEX uploads_by_purpose_created ON uploads (purpose, created_at, id);
    CREATE INDEX uploads_cancel_unknown ON uploads (cancel_unknown_since, id) WHERE cancel_unknown_since IS NOT NULL;
    -- Filename substring search: ILIKE '%…%' uses this for patterns of three characters or more.
    CREATE INDEX uploads_filename_trgm ON uploads USING gin (filename gin_trgm_ops);

    CREATE TABLE upload_parts (
      id         text COLLATE "C" PRIMARY KEY,
      upload_id  text COLLATE "C" NOT NULL,
      bytes      bigint NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE INDEX upload_parts_by_upload ON upload_parts (upload_id);

    CREATE TABLE upload_events (
      seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      upload_id text COLLATE "C" NOT NULL,
      at        bigint NOT NULL,
      kind      text NOT NULL,                       -- created | part | completed | cancelled | expired | seen | cancel_attempt
      actor     text,
      detail    text                               -- JSON, as the SQLite store writes it (read by the shared timeline wording)
    );
    CREATE INDEX upload_events_by_upload ON upload_events (upload_id, seq);

    -- Status counts kept by triggers, so the dashboard's tabs never count the table. One row per
    -- status exists from the start, so a trigger only ever updates (no insert race between replicas).
    CREATE TABLE upload_counts (status text PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO upload_counts (status, n) VALUES ('pending', 0), ('completed', 0), ('cancelled', 0), ('expired', 0);
    CREATE FUNCTION upload_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE upload_counts SET n = n + 1 WHERE status = NEW.status;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE upload_counts SET n = n - 1 WHERE status = OLD.status;
      ELSE
        -- One statement for both rows, so concurrent transactions lock them in the same order.
        UPDATE upload_counts SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
        WHERE status IN (OLD.status, NEW.status);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER upload_counts_insert_delete AFTER INSERT OR DELETE ON uploads
      FOR EACH ROW EXECUTE FUNCTION upload_counts_track();
    CREATE TRIGGER upload_counts_update AFTER UPDATE OF status ON uploads
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION upload_counts_track();

    -- Every cancel attempt: who, when, why, what it was before, what happened, what OpenAI said.
    CREATE TABLE audit_log (
      id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at              bigint NOT NULL,
      actor           text NOT NULL,
      action          text NOT NULL,
      source          text NOT NULL,
      upload_id       text COLLATE "C" NOT NULL,
      reason          text,
      previous_status text,
      outcome         text NOT NULL,
      upstream_status integer,
      request_id      text,
      job_id          text,
      message         text
    );
    CREATE INDEX audit_by_upload ON audit_log (upload_id, id);
    CREATE INDEX audit_by_actor ON audit_log (actor, id);
    CREATE INDEX audit_by_outcome ON audit_log (outcome, id);

    -- Bulk cancels run as server-side jobs that survive a restart: an item with no outcome is still to do.
    CREATE TABLE bulk_jobs (
      id          text COLLATE "C" PRIMARY KEY,
      ord         bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- creation order, for jobs created in the same second
      state       text NOT NULL CHECK (state IN ('running', 'done')),
      created_by  text NOT NULL,
      created_at  bigint NOT NULL,
      finished_at bigint,
      reason      text,
      total       integer NOT NULL,
      concurrency integer NOT NULL DEFAULT 0
    );
    CREATE INDEX bulk_jobs_by_created ON bulk_jobs (created_at, ord);
    CREATE INDEX bulk_jobs_by_state ON bulk_jobs (state, created_at, ord);
    CREATE TABLE bulk_job_items (
      job_id          text COLLATE "C" NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
      seq             integer NOT NULL,
      upload_id       text COLLATE "C" NOT NULL,
      outcome         text,                          -- null until settled, then written once
      message         text,
      upstream_status integer,
      PRIMARY KEY (job_id, seq)
    );
    CREATE INDEX bulk_job_items_todo ON bulk_job_items (job_id, seq) WHERE outcome IS NULL;
    CREATE INDEX bulk_job_items_by_outcome ON bulk_job_items (job_id, outcome, seq);

    -- Live updates across replicas (not listened to yet): after a change commits, NOTIFY on channel
    -- 'uc_feed' carries only an id, 'u:<upload id>' or 'j:<bulk job id>'. A listener re-reads the row,
    -- so payloads stay tiny (NOTIFY's limit is 8000 bytes), identical ones within a transaction fold
    -- into one, and the order in which replicas hear them does not matter. Notifications sent while
    -- a listener is disconnected are lost: a reconnecting listener must refetch, not trust the feed.
    CREATE FUNCTION uc_feed_notify_upload() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('uc_feed', 'u:' || NEW.id);
      RETURN NULL;
    END $$;
    CREATE FUNCTION uc_feed_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('uc_feed', 'j:' || NEW.id);
      RETURN NULL;
    END $$;
    CREATE FUNCTION uc_feed_notify_job_item() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('uc_feed', 'j:' || NEW.job_id);
      RETURN NULL;
    END $$;
    CREATE TRIGGER uploads_notify_insert AFTER INSERT ON uploads
      FOR EACH ROW EXECUTE FUNCTION uc_feed_notify_upload();
    CREATE TRIGGER uploads_notify_update AFTER UPDATE ON uploads
      FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION uc_feed_notify_upload();
    CREATE TRIGGER bulk_jobs_notify AFTER INSERT OR UPDATE ON bulk_jobs
      FOR EACH ROW EXECUTE FUNCTION uc_feed_notify_job();
    CREATE TRIGGER bulk_job_items_notify AFTER UPDATE OF outcome ON bulk_job_items
      FOR EACH ROW WHEN (OLD.outcome IS DISTINCT FROM NEW.outcome) EXECUTE FUNCTION uc_feed_notify_job_item();
    `,
  },
  {
    version: 2,
    name: 'leases on bulk items and doubtful cancels, shared upstream pause',
    sql: `
    -- Work shared between replicas (see upload-store.ts). A bulk item is claimed under a lease
    -- (times in ms on the replicas' clocks): lease_owner holds it until lease_until; a NULL or past
    -- lease_until is free to claim. sent_at is written just before its upstream call: an item claimed
    -- again with it set may already have been cancelled. Leased unsettled items are the global
    -- concurrency slots, counted with the partial index below (it holds only the items being worked).
    -- Lease changes do not NOTIFY: bulk_job_items_notify fires on outcome only.
    ALTER TABLE bulk_job_items ADD COLUMN lease_owner text, ADD COLUMN lease_until bigint, ADD COLUMN sent_at bigint;
    CREATE INDEX bulk_job_items_leased ON bulk_job_items (lease_until) WHERE outcome IS NULL AND lease_until IS NOT NULL;

    -- Replicas that claimed bulk items within the last lease period share the slots between them.
    CREATE TABLE bulk_replicas (
      owner      text PRIMARY KEY,
      seen_until bigint NOT NULL
    );

    -- One reconciler at a time per doubtful cancel; a row is deleted when its holder is done. A table
    -- of its own, so taking a lease neither rewrites nor announces the upload.
    CREATE TABLE reconcile_leases (
      upload_id   text COLLATE "C" PRIMARY KEY,
      owner       text NOT NULL,
      lease_until bigint NOT NULL
    );

    -- A 429's retry-after, honoured by every replica's bulk work: one row.
    CREATE TABLE upstream_pause (
      id           boolean PRIMARY KEY DEFAULT true CHECK (id),
      paused_until bigint NOT NULL
    );
    INSERT INTO upstream_pause (id, paused_until) VALUES (true, 0);
    `,
  },
  {
    version: 3,
    name: 'cleanup policies, their runs and changes, the policy schedule',
    sql: `
    -- policies: cleanup policies (server/store/policy-store.ts). Times in unix seconds.
    CREATE TABLE policies (
      id                  text COLLATE "C" PRIMARY KEY,
      name                text NOT NULL UNIQUE,
      enabled             boolean NOT NULL,
      stuck               boolean NOT NULL,
      stuck_after_minutes integer,
      older_than_minutes  integer,
      client              text,
      purpose             text,
      created_by          text NOT NULL,
      created_at          bigint NOT NULL,
      updated_by          text NOT NULL,
      updated_at          bigint NOT NULL
    );

    -- One row per evaluation that matched something: the bulk job it started (no foreign keys, so
    -- a deleted policy's runs stay, as its cancels' audit entries do).
    CREATE TABLE policy_runs (
      id          text COLLATE "C" PRIMARY KEY,
      policy_id   text COLLATE "C" NOT NULL,
      policy_name text NOT NULL,
      started_at  bigint NOT NULL,
      finished_at bigint,
      matched     integer NOT NULL,
      job_id      text COLLATE "C" NOT NULL UNIQUE
    );
    CREATE INDEX policy_runs_by_policy ON policy_runs (policy_id, started_at);
    CREATE INDEX policy_runs_unfinished ON policy_runs (started_at) WHERE finished_at IS NULL;

    -- Who changed which policy, how, and when (and the global pause).
    CREATE TABLE policy_changes (
      id          bigserial PRIMARY KEY,
      at          bigint NOT NULL,
      actor       text NOT NULL,
      action      text NOT NULL,
      policy_id   text,
      policy_name text,
      detail      text
    );

    -- One row: the global pause, and when the next round of evaluation is due (claimed by one
    -- replica at a time with a conditional UPDATE).
    CREATE TABLE policy_schedule (
      id            boolean PRIMARY KEY DEFAULT true CHECK (id),
      next_round_at bigint NOT NULL,
      paused        boolean NOT NULL,
      changed_by    text,
      changed_at    bigint
    );
    INSERT INTO policy_schedule (id, next_round_at, paused) VALUES (true, 0, false);

    -- The audit log filtered to one bulk job (a policy run's cancels), newest first.
    CREATE INDEX audit_log_by_job ON audit_log (job_id, id) WHERE job_id IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'owners: the client of each upload and audit entry',
    sql: `
    -- owners: which client made each upload (issue 12): its token's name and the software it named
    -- (both null for an upload seen only through a cancel by id), filterable by name with keyset
    -- paging (one index serves both orders); each audit entry keeps the upload's client as it was
    -- when the cancel was written.
    ALTER TABLE uploads ADD COLUMN client_name text, ADD COLUMN client_sdk text;
    CREATE INDEX uploads_by_client_created ON uploads (client_name, created_at, id);
    ALTER TABLE audit_log ADD COLUMN client_name text, ADD COLUMN client_sdk text;
    `,
  },
  {
    version: 5,
    name: 'retention: audit entries by time',
    sql: `
    -- retention: audit entries leave the store after AUDIT_RETENTION_DAYS, oldest first, by this range
    -- (finished uploads leave by uploads_by_status_activity; the counts trigger handles deletes).
    CREATE INDEX audit_by_at ON audit_log (at, id);
    `,
  },
  {
    version: 6,
    name: 'retention: alert states and outbox',
    sql: `
    -- retention: alerts (server/alerts/) go out through this outbox, so each is sent once whichever
    -- replica sees the change. A state ('stuck': above | below) changes by compare-and-set, and the
    -- message of the change is enqueued in the same transaction. A message is claimed under a lease
    -- (times in ms), then marked sent, or given a later attempt, or given up.
    CREATE TABLE alert_states (
      name       text PRIMARY KEY,
      state      text NOT NULL,
      changed_at bigint NOT NULL
    );
    CREATE TABLE alert_outbox (
      id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key             text NOT NULL UNIQUE,
      body            text NOT NULL,
      created_at      bigint NOT NULL,
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL,
      lease_owner     text,
      lease_until     bigint,
      sent_at         bigint,
      gave_up_at      bigint,
      last_error      text
    );
    CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND gave_up_at IS NULL;
    `,
  },
  {
    version: 7,
    name: 'upload activity buckets for the chart',
    sql: `
    -- chart: uploads created per time bucket (5-minute and hourly, by created_at) and stored status,
    -- kept by triggers like upload_counts, so the activity chart sums a few hundred rows for a week
    -- instead of counting every upload in it (server/store/activity-buckets.ts).
    CREATE TABLE upload_activity (
      size   integer NOT NULL,                       -- the bucket's length in seconds: 300 or 3600
      bucket bigint NOT NULL,                        -- created_at / size
      status text NOT NULL,
      n      bigint NOT NULL,
      PRIMARY KEY (size, bucket, status)
    );
    INSERT INTO upload_activity (size, bucket, status, n)
      SELECT s.size, u.created_at / s.size, u.status, COUNT(*)
      FROM uploads u CROSS JOIN (VALUES (300), (3600)) AS s (size) GROUP BY 1, 2, 3;
    -- One statement per change, its rows in key order, so concurrent transactions lock them in the
    -- same order. Named uploads_… so that it fires after upload_counts_… (triggers fire in name
    -- order): every transaction takes a status's count row before any of its bucket rows.
    CREATE FUNCTION upload_activity_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO upload_activity (size, bucket, status, n)
        SELECT c.size, c.bucket, c.status, SUM(c.n)
        FROM (
          SELECT s.size, NEW.created_at / s.size, NEW.status, 1 FROM (VALUES (300), (3600)) AS s (size) WHERE TG_OP <> 'DELETE'
          UNION ALL
          SELECT s.size, OLD.created_at / s.size, OLD.status, -1 FROM (VALUES (300), (3600)) AS s (size) WHERE TG_OP <> 'INSERT'
        ) AS c (size, bucket, status, n)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (size, bucket, status) DO UPDATE SET n = upload_activity.n + EXCLUDED.n;
      RETURN NULL;
    END $$;
    CREATE TRIGGER uploads_activity_insert_delete AFTER INSERT OR DELETE ON uploads
      FOR EACH ROW EXECUTE FUNCTION upload_activity_track();
    CREATE TRIGGER uploads_activity_update AFTER UPDATE OF status, created_at ON uploads
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at)
      EXECUTE FUNCTION upload_activity_track();
    `,
  },
  {
    version: 8,
    name: 'uploads per client kept by triggers',
    sql: `
    -- fixclients: uploads per client name, kept by triggers like upload_counts, so the clients list
    -- reads one row per client instead of grouping every upload (pending and stuck per client stay
    -- index ranges over pending uploads). A client's row stays at 0 once its uploads are purged.
    -- Older replicas keep writing while this runs: hold their writes off until it commits, so the
    -- backfill and the triggers see the same uploads.
    LOCK TABLE uploads IN SHARE ROW EXCLUSIVE MODE;
    CREATE TABLE client_counts (name text PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO client_counts (name, n)
      SELECT client_name, COUNT(*) FROM uploads WHERE client_name IS NOT NULL GROUP BY client_name;
    -- Lock order: every other trigger takes its status's upload_counts row, then activity buckets.
    -- These take client rows after all of those: inserts and deletes by statement-level triggers,
    -- which fire after every row-level one of their statement (a purge batch's many rows become
    -- one upsert), and in name order, so transactions that take several client rows take them in
    -- the same order; a change of owner (one row, the fill-in of a NULL owner) is its own statement
    -- that changes no status. An upsert, as the clients' rows do not all exist from the start.
    CREATE FUNCTION client_counts_track_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO client_counts (name, n)
        SELECT client_name, CASE WHEN TG_OP = 'INSERT' THEN COUNT(*) ELSE -COUNT(*) END
        FROM changed WHERE client_name IS NOT NULL GROUP BY 1 ORDER BY 1
      ON CONFLICT (name) DO UPDATE SET n = client_counts.n + EXCLUDED.n;
      RETURN NULL;
    END $$;
    CREATE TRIGGER uploads_clients_insert AFTER INSERT ON uploads REFERENCING NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION client_counts_track_rows();
    CREATE TRIGGER uploads_clients_delete AFTER DELETE ON uploads REFERENCING OLD TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION client_counts_track_rows();
    CREATE FUNCTION client_counts_track_owner() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO client_counts (name, n)
        SELECT c.name, SUM(c.n) FROM (VALUES (OLD.client_name, -1), (NEW.client_name, 1)) AS c (name, n)
        WHERE c.name IS NOT NULL GROUP BY 1 ORDER BY 1
      ON CONFLICT (name) DO UPDATE SET n = client_counts.n + EXCLUDED.n;
      RETURN NULL;
    END $$;
    CREATE TRIGGER uploads_clients_update AFTER UPDATE OF client_name ON uploads
      FOR EACH ROW WHEN (OLD.client_name IS DISTINCT FROM NEW.client_name) EXECUTE FUNCTION client_counts_track_owner();

    -- fixclients: a status change locked its two upload_counts rows in the order a sequential scan
    -- met them, and that order moves as the rows are updated: two changes pending -> completed at
    -- once could each hold one row and wait for the other (found by the concurrency test). The
    -- rows are now locked in name order first.
    CREATE OR REPLACE FUNCTION upload_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE upload_counts SET n = n + 1 WHERE status = NEW.status;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE upload_counts SET n = n - 1 WHERE status = OLD.status;
      ELSE
        PERFORM 1 FROM upload_counts WHERE status IN (OLD.status, NEW.status) ORDER BY status FOR UPDATE;
        UPDATE upload_counts SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
        WHERE status IN (OLD.status, NEW.status);
      END IF;
      RETURN NULL;
    END $$;
    `,
  },
  {
    version: 9,
    name: 'filename search on a folded column the created index carries',
    sql: `
    -- A newest-first filename search walked uploads_by_created and read each row from the heap to
    -- test filename ILIKE (a locale-aware fold of every filename it met): about a hundred rows per
    -- match at a 1 % match rate, 17 ms at 100,000 uploads. The filename is now also kept folded
    -- (lower(), binary collation, so LIKE compares bytes), and uploads_by_created carries it, so the
    -- search walks that index alone (an index-only scan) and reads only the page's rows from the
    -- heap. The trigram index moves to the folded column, for rare matches. Adding a stored column
    -- rewrites the table once, under this migration's lock.
    ALTER TABLE uploads ADD COLUMN filename_folded text COLLATE "C" GENERATED ALWAYS AS (lower(filename)) STORED;
    DROP INDEX uploads_by_created;
    CREATE INDEX uploads_by_created ON uploads (created_at, id) INCLUDE (filename_folded);
    DROP INDEX uploads_filename_trgm;
    CREATE INDEX uploads_filename_trgm ON uploads USING gin (filename_folded gin_trgm_ops);
    `,
  },
  {
    version: 10,
    name: 'shared counts held for a commit only, client counts in slots',
    sql: `
    -- Every status change took its statuses' upload_counts rows (and its buckets' upload_activity
    -- rows) at its UPDATE and held them to its COMMIT, across the round trips in between (the
    -- timeline event, the audit entry, COMMIT), each waiting for a busy proxy's event loop: the
    -- status changes of every replica queued on the same few rows (README, Performance). The same
    -- triggers now fire at COMMIT (deferred constraint triggers), so those rows are held from then
    -- on only (with durable commits, through the commit's WAL flush). They are taken in the order
    -- they were before (a row's count rows, in name order, then its buckets; the triggers still fire
    -- in name order per row), now after every other lock the transaction takes. The client counts
    -- (below; their insert and delete triggers are statement-level, which cannot be deferred) are
    -- therefore taken before them instead of after, by every writer alike, so no two transactions
    -- take the two in opposite orders. Nothing reads these tables inside a transaction that writes.
    DROP TRIGGER upload_counts_insert_delete ON uploads;
    DROP TRIGGER upload_counts_update ON uploads;
    DROP TRIGGER uploads_activity_insert_delete ON uploads;
    DROP TRIGGER uploads_activity_update ON uploads;
    CREATE CONSTRAINT TRIGGER upload_counts_insert_delete AFTER INSERT OR DELETE ON uploads
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION upload_counts_track();
    CREATE CONSTRAINT TRIGGER upload_counts_update AFTER UPDATE OF status ON uploads
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION upload_counts_track();
    CREATE CONSTRAINT TRIGGER uploads_activity_insert_delete AFTER INSERT OR DELETE ON uploads
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION upload_activity_track();
    CREATE CONSTRAINT TRIGGER uploads_activity_update AFTER UPDATE OF status, created_at ON uploads
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at)
      EXECUTE FUNCTION upload_activity_track();

    -- A client's count was one row, taken by every first record of an upload it owns (an INSERT's
    -- statement-level trigger: a create, or a cancel of an upload the proxy had not seen) and held
    -- to COMMIT: all of one client's such writes queued there. Each connection now adds to the slot
    -- of its backend's pid mod 16, so concurrent transactions seldom share a row; a client's count is
    -- the sum of its slots. A transaction's slot never changes, and its rows are still taken in name
    -- order, one statement per change. client_counts becomes a view of those sums, so what reads it
    -- (an older replica, during a rolling upgrade) reads the same.
    ALTER TABLE client_counts RENAME TO client_count_slots;
    ALTER INDEX client_counts_pkey RENAME TO client_count_slots_pkey;
    ALTER TABLE client_count_slots ADD COLUMN slot smallint NOT NULL DEFAULT 0;
    ALTER TABLE client_count_slots ALTER COLUMN slot DROP DEFAULT;
    ALTER TABLE client_count_slots DROP CONSTRAINT client_count_slots_pkey;
    ALTER TABLE client_count_slots ADD CONSTRAINT client_count_slots_pkey PRIMARY KEY (name, slot);
    CREATE VIEW client_counts AS SELECT name, SUM(n)::bigint AS n FROM client_count_slots GROUP BY name;
    -- The slot this connection adds to (the one place the number of slots is written).
    CREATE FUNCTION client_count_slot() RETURNS smallint LANGUAGE sql STABLE AS $$ SELECT (pg_backend_pid() % 16)::smallint $$;
    CREATE OR REPLACE FUNCTION client_counts_track_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO client_count_slots (name, slot, n)
        SELECT client_name, client_count_slot(), CASE WHEN TG_OP = 'INSERT' THEN COUNT(*) ELSE -COUNT(*) END
        FROM changed WHERE client_name IS NOT NULL GROUP BY 1 ORDER BY 1
      ON CONFLICT (name, slot) DO UPDATE SET n = client_count_slots.n + EXCLUDED.n;
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION client_counts_track_owner() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO client_count_slots (name, slot, n)
        SELECT c.name, client_count_slot(), SUM(c.n) FROM (VALUES (OLD.client_name, -1), (NEW.client_name, 1)) AS c (name, n)
        WHERE c.name IS NOT NULL GROUP BY 1 ORDER BY 1
      ON CONFLICT (name, slot) DO UPDATE SET n = client_count_slots.n + EXCLUDED.n;
      RETURN NULL;
    END $$;
    `,
  },
];
