import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { UploadRecord } from '../../contract/dashboard-api.ts';
import { UPLOAD_STATUSES, type Upload, type UploadPart, type UploadStatus } from '../../contract/uploads.ts';
import { migrations } from './migrations.ts';
import {
  InvalidCursorError,
  type ListPage,
  type ListQuery,
  type RecordContext,
  type SeenVia,
  type StatusCounts,
  type UploadStore,
} from './upload-store.ts';

interface UploadRow {
  id: string;
  status: UploadStatus;
  created_at: number;
  expires_at: number;
  object_json: string;
  parts_count: number;
  bytes_received: number;
  first_seen_at: number;
  last_activity_at: number;
  seen_via: SeenVia;
  cancelled_by: string | null;
  cancelled_at: number | null;
}

const TERMINAL: ReadonlySet<UploadStatus> = new Set(['completed', 'cancelled', 'expired']);

/** Opens (creating if needed) the SQLite store: WAL, migrations applied, statements prepared once. */
export function openSqliteStore(path: string): UploadStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL is durable across process crashes (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return new SqliteUploadStore(db);
}

export function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

// A pending upload past its expiry reads as expired; the rest read as stored.
const EFFECTIVE_STATUS_WHERE: Record<UploadStatus, string> = {
  pending: "status = 'pending' AND expires_at > @now",
  completed: "status = 'completed'",
  cancelled: "status = 'cancelled'",
  expired: "(status = 'expired' OR (status = 'pending' AND expires_at <= @now))",
};

class SqliteUploadStore implements UploadStore {
  private readonly stmt;
  private readonly listStatements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      get: db.prepare<[string], UploadRow>('SELECT * FROM uploads WHERE id = ?'),
      insert: db.prepare(`
        INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object_json,
          parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at)
        VALUES (@id, @status, @created_at, @expires_at, @bytes, @filename, @purpose, @object_json,
          @parts_count, @bytes_received, @at, @at, @via, @cancelled_by, @cancelled_at)`),
      update: db.prepare(`
        UPDATE uploads SET status = @status, expires_at = @expires_at, bytes = @bytes, filename = @filename,
          purpose = @purpose, object_json = @object_json, last_activity_at = MAX(last_activity_at, @at),
          cancelled_by = @cancelled_by, cancelled_at = @cancelled_at
        WHERE id = @id`),
      touch: db.prepare('UPDATE uploads SET last_activity_at = MAX(last_activity_at, @at) WHERE id = @id'),
      partTotals: db.prepare<[string], { n: number; total: number | null }>(
        'SELECT COUNT(*) AS n, SUM(bytes) AS total FROM upload_parts WHERE upload_id = ?',
      ),
      insertPart: db.prepare(
        'INSERT OR IGNORE INTO upload_parts (id, upload_id, bytes, created_at) VALUES (@id, @upload_id, @bytes, @created_at)',
      ),
      addPartToUpload: db.prepare(`
        UPDATE uploads SET parts_count = parts_count + 1, bytes_received = bytes_received + @bytes,
          last_activity_at = MAX(last_activity_at, @at)
        WHERE id = @upload_id`),
      event: db.prepare(
        'INSERT INTO upload_events (upload_id, at, kind, actor, detail) VALUES (@upload_id, @at, @kind, @actor, @detail)',
      ),
      counts: db.prepare<{ now: number }, { status: UploadStatus; n: number; lapsed: number }>(`
        SELECT status, COUNT(*) AS n, SUM(status = 'pending' AND expires_at <= @now) AS lapsed
        FROM uploads GROUP BY status`),
    };
  }

  private readonly recordTx = (upload: Upload, ctx: RecordContext): UploadRow => {
    const existing = this.stmt.get.get(upload.id);
    const object_json = JSON.stringify(upload);
    const becameCancelled = upload.status === 'cancelled' && existing?.cancelled_at == null;
    if (!existing) {
      // Parts may have been seen before the upload itself (it was created elsewhere).
      const parts = this.stmt.partTotals.get(upload.id)!;
      this.stmt.insert.run({
        ...pickColumns(upload),
        object_json,
        parts_count: parts.n,
        bytes_received: parts.total ?? 0,
        at: ctx.at,
        via: ctx.via,
        cancelled_by: becameCancelled ? (ctx.actor ?? null) : null,
        cancelled_at: becameCancelled ? ctx.at : null,
      });
      this.event(upload.id, ctx.at, ctx.via === 'create' ? 'created' : 'seen', ctx.actor, upload.status);
    } else if (TERMINAL.has(existing.status) && upload.status === 'pending') {
      // A stale pending object (e.g. a slow create answer) must not resurrect a finished upload.
      this.stmt.touch.run({ id: upload.id, at: ctx.at });
    } else {
      this.stmt.update.run({
        ...pickColumns(upload),
        object_json,
        at: ctx.at,
        cancelled_by: becameCancelled ? (ctx.actor ?? null) : existing.cancelled_by,
        cancelled_at: becameCancelled ? ctx.at : existing.cancelled_at,
      });
    }
    if (existing?.status !== upload.status && upload.status !== 'pending') {
      this.event(upload.id, ctx.at, upload.status, ctx.actor, null);
    }
    return this.stmt.get.get(upload.id)!;
  };

  private event(upload_id: string, at: number, kind: string, actor: string | null | undefined, detail: string | null) {
    this.stmt.event.run({ upload_id, at, kind, actor: actor ?? null, detail });
  }

  async recordUpload(upload: Upload, ctx: RecordContext): Promise<UploadRecord> {
    const row = this.db.transaction(this.recordTx)(upload, ctx);
    return toRecord(row, ctx.at);
  }

  async recordPart(part: UploadPart, bytes: number, at: number): Promise<void> {
    this.db.transaction(() => {
      const inserted = this.stmt.insertPart.run({ id: part.id, upload_id: part.upload_id, bytes, created_at: part.created_at });
      if (inserted.changes === 0) return; // the same part recorded twice counts once
      this.stmt.addPartToUpload.run({ upload_id: part.upload_id, bytes, at });
      this.event(part.upload_id, at, 'part', null, JSON.stringify({ part_id: part.id, bytes }));
    })();
  }

  async getUpload(id: string, now: number): Promise<UploadRecord | null> {
    const row = this.stmt.get.get(id);
    return row ? toRecord(row, now) : null;
  }

  async listUploads(query: ListQuery, now: number): Promise<ListPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = this.listStatement(query.status, after !== undefined).all({
      now,
      limit: query.limit + 1,
      after_created: after?.createdAt,
      after_id: after?.id,
    }) as UploadRow[];
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => toRecord(row, now)),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  private listStatement(status: UploadStatus | undefined, paged: boolean): Database.Statement {
    const key = `${status ?? 'all'}:${paged}`;
    let statement = this.listStatements.get(key);
    if (!statement) {
      const where = [status ? EFFECTIVE_STATUS_WHERE[status] : null, paged ? '(created_at, id) < (@after_created, @after_id)' : null]
        .filter(Boolean)
        .join(' AND ');
      statement = this.db.prepare(
        `SELECT * FROM uploads ${where ? `WHERE ${where}` : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`,
      );
      this.listStatements.set(key, statement);
    }
    return statement;
  }

  async countByStatus(now: number): Promise<StatusCounts> {
    const counts = Object.fromEntries(UPLOAD_STATUSES.map((s) => [s, 0])) as StatusCounts;
    for (const { status, n, lapsed } of this.stmt.counts.all({ now })) {
      if (status === 'pending') {
        counts.pending += n - lapsed;
        counts.expired += lapsed;
      } else {
        counts[status] += n;
      }
    }
    return counts;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function pickColumns(upload: Upload) {
  return {
    id: upload.id,
    status: upload.status,
    created_at: upload.created_at,
    expires_at: upload.expires_at,
    bytes: upload.bytes,
    filename: upload.filename,
    purpose: upload.purpose,
  };
}

function toRecord(row: UploadRow, now: number): UploadRecord {
  // Stored objects were validated on the way in; re-parsing each row would only cost time.
  const upload = JSON.parse(row.object_json) as Upload;
  const status: UploadStatus = row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status;
  return {
    upload,
    status,
    parts_count: row.parts_count,
    bytes_received: row.bytes_received,
    last_activity_at: row.last_activity_at,
    first_seen_at: row.first_seen_at,
    seen_via: row.seen_via,
    cancelled_by: row.cancelled_by,
    cancelled_at: row.cancelled_at,
  };
}

// Cursors are opaque to clients: base64url of "created_at:id" of the last row served.
function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d{1,12}):(upload_[A-Za-z0-9_-]{1,128})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InvalidCursorError();
  return { createdAt: Number(match[1]), id: match[2]! };
}
