// PostgreSQL for the benchmarks: a throw-away cluster started with the tests' helper (initdb into a
// temp folder, loopback only, deleted at the end), databases on it, and a fast fill of the store's
// own tables with the same uploads fillUploads records one by one on SQLite.
import pg from 'pg';
import { findPostgresBinDir, POSTGRES_INSTALL_HINT, startCluster, type PostgresCluster } from '#server/test-support/postgres-cluster.ts';
import { benchUploads, type BenchUpload, type FillOptions } from './fill-uploads.ts';

/** Why the PostgreSQL rows cannot be measured here, or null. */
export function postgresProblem(): string | null {
  return findPostgresBinDir() ? null : `skipped: no PostgreSQL server installed (${POSTGRES_INSTALL_HINT})`;
}

export interface BenchPostgres {
  cluster: PostgresCluster;
  /** Creates an empty database and returns its URL (the console migrates it when it opens it). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  // The tests' settings (fsync off, …) except autovacuum, which a real server runs; the fill ends
  // with an explicit VACUUM ANALYZE anyway, so the planner knows the table before anything is timed.
  const cluster = await startCluster({ settings: { autovacuum: 'on' } });
  return {
    cluster,
    async createDatabase(name) {
      const admin = new pg.Client(cluster.url());
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return cluster.url(name);
    },
    stop: () => cluster.stop(),
  };
}

const BATCH = 2_000;

/**
 * Writes the uploads of fillUploads (and their first timeline event) straight into a migrated
 * store's tables, a few thousand rows per INSERT … SELECT FROM unnest(…): seconds for 100,000
 * rows. The tables' triggers run as for any insert (status counts, NOTIFY). Ends with VACUUM ANALYZE.
 */
export async function fillPostgres(url: string, count: number, nowSeconds: number, options: FillOptions = {}): Promise<{ ms: number; ids: string[] }> {
  const client = new pg.Client(url);
  await client.connect();
  const ids: string[] = [];
  const started = performance.now();
  try {
    let batch: BenchUpload[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const column = <T>(pick: (item: BenchUpload) => T) => batch.map(pick);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object,
           parts_count, bytes_received, first_seen_at, last_activity_at, seen_via, cancelled_by, cancelled_at)
         SELECT id, status, created_at, expires_at, bytes, filename, purpose, object::jsonb, 0, 0, at, at, via, cancelled_by, cancelled_at
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
                     $9::bigint[], $10::text[], $11::text[], $12::bigint[])
           AS t(id, status, created_at, expires_at, bytes, filename, purpose, object, at, via, cancelled_by, cancelled_at)`,
        [
          column((b) => b.upload.id),
          column((b) => b.upload.status),
          column((b) => b.upload.created_at),
          column((b) => b.upload.expires_at),
          column((b) => b.upload.bytes),
          column((b) => b.upload.filename),
          column((b) => b.upload.purpose),
          column((b) => JSON.stringify(b.upload)),
          column((b) => b.ctx.at),
          column((b) => b.ctx.via),
          // As the store's merge rule writes them for a first sight (server/store/upload-merge.ts).
          column((b) => (b.upload.status === 'cancelled' ? b.ctx.actor : null)),
          column((b) => (b.upload.status === 'cancelled' ? b.ctx.at : null)),
        ],
      );
      await client.query(
        `INSERT INTO upload_events (upload_id, at, kind, actor, detail)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])`,
        [
          column((b) => b.upload.id),
          column((b) => b.ctx.at),
          column((b) => (b.ctx.via === 'create' ? 'created' : 'seen')),
          column((b) => b.ctx.actor),
          column((b) => JSON.stringify({ via: b.ctx.via, status: b.upload.status })),
        ],
      );
      await client.query('COMMIT');
      batch = [];
    };
    for (const item of benchUploads(count, nowSeconds, options)) {
      batch.push(item);
      ids.push(item.upload.id);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    await client.query('VACUUM ANALYZE uploads');
    await client.query('VACUUM ANALYZE upload_events');
    return { ms: performance.now() - started, ids };
  } finally {
    await client.end();
  }
}
