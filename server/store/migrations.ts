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
];
