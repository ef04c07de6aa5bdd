// What a PostgreSQL test file uses: the run's cluster (started by postgres-global-setup.ts) and a
// fresh database of its own, a copy of the migrated template or an empty one.
//   const pg = testPostgres();
//   describe.skipIf(!pg)('…', () => { … const db = await createTestDatabase(); … await db.drop(); });
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The migrated database every test database is cloned from. */
export const TEMPLATE_DATABASE = 'uc_template';

export interface PostgresTestServer {
  /** Connection string of the cluster's `postgres` database (superuser). */
  adminUrl: string;
  version: number;
  socketDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Null when no PostgreSQL server is installed (the PostgreSQL tests skip). */
    postgres: PostgresTestServer | null;
  }
}

/**
 * The run's cluster, or null when none could be had (the tests skip; the global setup has said why
 * in one line). A test file outside the `postgres` project (vite.config.ts) gets an error: it would
 * otherwise skip silently.
 */
export function testPostgres(): PostgresTestServer | null {
  const server = inject('postgres');
  if (server === undefined) {
    throw new Error('No PostgreSQL test cluster was set up: run this file in the `postgres` vitest project (vite.config.ts includes server/**/postgres/**/*.test.ts and server/**/*.pg.test.ts)');
  }
  return server;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** A new database: a copy of the migrated template (default), or empty (to test migrations themselves). */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const server = testPostgres();
  if (!server) throw new Error('createTestDatabase() needs a PostgreSQL test cluster; guard the suite with describe.skipIf(!testPostgres())');
  const name = `uc_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : TEMPLATE_DATABASE;
  await withAdmin(server, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY file_copy`));
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(server: PostgresTestServer, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
