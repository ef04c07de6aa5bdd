import pg from 'pg';
import type { Logger } from '#server/lib/logger.ts';

export interface PostgresPoolOptions {
  /** Connections per replica (pg's default is 10). */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Told when an idle connection breaks (server restart, network); default: nobody. */
  logger?: Logger;
}

/**
 * A pool whose bigint (int8) columns come back as Numbers: unix seconds, byte counts and
 * COUNT(*) all stay far below 2^53. Set on this pool's own types, not pg's global parsers, so no
 * other pg user in the process is affected.
 */
export function createPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): pg.Pool {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString,
    types,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'uploads-console',
    // Fail fast rather than queue forever when the database is unreachable.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (server restart, network) must not crash the process:
  // the pool drops it and the next query opens a new one.
  pool.on('error', (error) => options.logger?.warn('PostgreSQL: an idle connection broke; the next query opens a new one', { error: error.message }));
  return pool;
}

/**
 * Runs `work` in one transaction on one pooled client: committed if it resolves, rolled back if
 * it throws. A client whose rollback fails is in an unknown state: it is dropped instead of
 * returned to the pool. Every transaction of the PostgreSQL store goes through here.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
