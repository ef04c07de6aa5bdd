// A fast fill of the SQLite store's own tables with the uploads fillUploads records one by one:
// the same rows and first timeline events, written by prepared INSERTs in large transactions into
// a file the store's migrations have just created (its triggers keep the counts and the search
// index as for any insert). For a million rows, where store.recordUpload would take minutes.
import Database from 'better-sqlite3';
import { migrate } from '#server/store/sqlite/sqlite-store.ts';
import { benchUploads, type FillOptions } from './fill-uploads.ts';

const BATCH = 10_000;

export async function fillSqlite(databasePath: string, count: number, nowSeconds: number, options: FillOptions = {}): Promise<{ ms: number }> {
  const db = new Database(databasePath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    const insert = db.prepare(`
      INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object_json,
        parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at)
      VALUES (@id, @status, @created_at, @expires_at, @bytes, @filename, @purpose, @object_json, 0, 0, @at, @at, @via, @cancelled_by, @cancelled_at)`);
    const event = db.prepare('INSERT INTO upload_events (upload_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)');
    const started = performance.now();
    const uploads = benchUploads(count, nowSeconds, options);
    const writeBatch = db.transaction(() => {
      for (let i = 0; i < BATCH; i++) {
        const next = uploads.next();
        if (next.done) return false;
        const { upload, ctx } = next.value;
        // As the store's merge rule writes a first sight (server/store/upload-merge.ts).
        const cancelled = upload.status === 'cancelled';
        insert.run({
          id: upload.id,
          status: upload.status,
          created_at: upload.created_at,
          expires_at: upload.expires_at,
          bytes: upload.bytes,
          filename: upload.filename,
          purpose: upload.purpose,
          object_json: JSON.stringify(upload),
          at: ctx.at,
          via: ctx.via,
          cancelled_by: cancelled ? ctx.actor : null,
          cancelled_at: cancelled ? ctx.at : null,
        });
        event.run(upload.id, ctx.at, ctx.via === 'create' ? 'created' : 'seen', ctx.actor, JSON.stringify({ via: ctx.via, status: upload.status }));
      }
      return true;
    });
    while (writeBatch()) {
      // Let timers and I/O run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // No ANALYZE: the store never runs one, so its planner sees what a real store's does.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { ms: performance.now() - started };
  } finally {
    db.close();
  }
}
