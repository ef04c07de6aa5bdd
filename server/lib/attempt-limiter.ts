// Failed token attempts per client address: past the limit (10 in 5 minutes) the address is
// refused (429), whatever token it sends, until its window is over. rate-limiter-flexible keeps
// the counts: in memory for one process (SQLite), in PostgreSQL when several replicas share the
// database, so an attacker gets 10 guesses in all, not 10 per replica. If the database cannot be
// reached, each replica counts in memory meanwhile (the library's insurance limiter): an outage
// neither opens the door to unlimited guessing nor locks everyone out.
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from './logger.ts';

export interface AttemptLimiter {
  /** Milliseconds until `key` may try again; 0 when it may try now. */
  blockedFor(key: string): Promise<number>;
  /** Counts one failed attempt of `key`. */
  fail(key: string): Promise<void>;
}

export interface AttemptLimits {
  /** Failed attempts allowed per window (default 10). */
  points?: number;
  /** Window in seconds, from the first failure in it (default 300). */
  durationSeconds?: number;
}

/** The limiters of one console: operators (dashboard, API) and pass-through clients count separately. */
export interface AttemptLimiters {
  operators: AttemptLimiter;
  clients: AttemptLimiter;
  close(): Promise<void>;
}

const DEFAULTS = { points: 10, durationSeconds: 300 };

class FlexibleAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
  ) {}

  async blockedFor(key: string): Promise<number> {
    const state = await this.limiter.get(key);
    return state && state.consumedPoints >= this.points ? Math.max(1, state.msBeforeNext) : 0;
  }

  async fail(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      // Over the limit is what this counts towards, not an error.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    }
  }
}

/** One process: counts in memory. */
export function memoryAttemptLimiters(limits: AttemptLimits = {}): AttemptLimiters {
  const { points, durationSeconds } = { ...DEFAULTS, ...limits };
  const make = (keyPrefix: string) => new FlexibleAttemptLimiter(new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }), points);
  return { operators: make('operator'), clients: make('client'), close: async () => {} };
}

/** The table the counts live in (key = `<operator|client>:<address>`), made here if missing. */
const TABLE = 'uc_failed_attempts';

/**
 * Several replicas: counts in PostgreSQL, through a small pool of its own, so a burst of guesses
 * cannot take the store's connections, and with short timeouts, so an outage falls back to the
 * in-memory count within seconds rather than holding sign-ins.
 */
export async function postgresAttemptLimiters(connectionString: string, log: Logger, limits: AttemptLimits = {}): Promise<AttemptLimiters> {
  const { points, durationSeconds } = { ...DEFAULTS, ...limits };
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString,
    types,
    max: 2,
    application_name: 'uploads-console-limits',
    connectionTimeoutMillis: 3_000,
    query_timeout: 3_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => log.warn('PostgreSQL (attempt limits): an idle connection broke; the next query opens a new one', { error: error.message }));
  try {
    await createTable(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const make = (keyPrefix: string) =>
    new FlexibleAttemptLimiter(
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: TABLE,
        tableCreated: true,
        keyPrefix,
        points,
        duration: durationSeconds,
        // Pruned below, on a timer this module can stop.
        clearExpiredByTimeout: false,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
      }),
      points,
    );
  const operators = make('operator');
  const clients = make('client');
  const pruner = new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: TABLE, tableCreated: true, points, duration: durationSeconds, clearExpiredByTimeout: false });
  // Windows that ended over an hour ago; every replica does it, deleting twice is harmless.
  const prune = setInterval(() => void (pruner as unknown as { clearExpired(before: number): Promise<void> }).clearExpired(Date.now() - 3_600_000), 5 * 60_000);
  prune.unref();
  return {
    operators,
    clients,
    async close() {
      clearInterval(prune);
      await pool.end();
    },
  };
}

/**
 * The library's own layout. Created under an advisory lock: replicas starting together would
 * otherwise race in CREATE TABLE IF NOT EXISTS, which PostgreSQL does not make atomic.
 */
async function createTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('uploads-console:failed-attempts', 0))");
    await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
