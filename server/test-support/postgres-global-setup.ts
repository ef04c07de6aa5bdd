// vitest globalSetup of the `postgres` test project (vite.config.ts): starts one throw-away
// PostgreSQL cluster for the whole run, migrates a template database that every test database is
// cloned from, and stops and deletes the cluster when the run ends, failed or not (a watchdog
// cleans up if this process is killed). Vitest runs this only when a test of the project runs.
// No server installed: one line says so and the PostgreSQL tests skip; UC_REQUIRE_PG=1 (CI) fails instead.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import { findPostgresBinDir, POSTGRES_INSTALL_HINT, startCluster } from '#server/test-support/postgres-cluster.ts';
import { TEMPLATE_DATABASE, type PostgresTestServer } from '#server/test-support/postgres.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const required = process.env.UC_REQUIRE_PG === '1';
  const binDir = findPostgresBinDir();
  if (!binDir) {
    const why = `no PostgreSQL server is installed (no initdb in /usr/lib/postgresql/*/bin, UC_PG_BIN or PATH); install one with: ${POSTGRES_INSTALL_HINT}`;
    if (required) throw new Error(`UC_REQUIRE_PG=1 but ${why}`);
    console.warn(`PostgreSQL tests skipped: ${why} (UC_REQUIRE_PG=1 makes this an error)`);
    project.provide('postgres', null);
    return undefined;
  }
  const cluster = await startCluster({ binDir });
  try {
    const admin = new pg.Client(cluster.url());
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
      // Migrated once here; each test database is a copy (CREATE DATABASE … TEMPLATE).
      const store = await openPostgresStore(cluster.url(TEMPLATE_DATABASE), { max: 1 });
      await store.close();
      await admin.query(`ALTER DATABASE ${TEMPLATE_DATABASE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    const log = cluster.logTail();
    await cluster.stop();
    throw new Error(`Could not prepare the test PostgreSQL cluster: ${error instanceof Error ? error.message : String(error)}${log ? `\n--- server log ---\n${log}` : ''}`, { cause: error });
  }
  const server: PostgresTestServer = { adminUrl: cluster.url(), version: cluster.version, socketDir: cluster.socketDir };
  project.provide('postgres', server);
  return () => cluster.stop();
}
