import type pg from 'pg';
import { postgresMigrations, type PostgresMigration } from '#server/store/postgres/migrations.ts';

// Any constant works, as long as nothing else in the database takes the same advisory lock.
const MIGRATION_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('uploads-console:migrations', 0))";

/**
 * Applies the migrations not applied yet, all in one transaction that first takes a transaction-level
 * advisory lock: replicas starting at once queue on the lock, and each finds the work done by the
 * first (DDL is transactional in PostgreSQL, so a failed migration leaves nothing behind).
 * Returns the versions this call applied.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(MIGRATION_LOCK_SQL);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(`The database has schema version ${newest}, newer than this build knows (${known}): run a newer build`);
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
