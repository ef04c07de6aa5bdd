// A PostgreSQL store on a fresh test database, with a connection of the test's own beside it (to
// read and write the tables directly, or to EXPLAIN): the setup of the PostgreSQL-specific store tests.
import pg from 'pg';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { createTestDatabase, type TestDatabase } from '#server/test-support/postgres.ts';

export interface StoreOnTestDatabase {
  db: TestDatabase;
  /** Pending uploads count as stuck after 600 s. */
  store: UploadStore;
  /** Outside the store's pool. */
  sql: pg.Client;
  /** Ends the connection, closes the store, drops the database. */
  close(): Promise<void>;
}

/** A migrated database of its own, the store on it (a pool of `max` connections), and one more connection. */
export async function openStoreOnTestDatabase(max: number): Promise<StoreOnTestDatabase> {
  const db = await createTestDatabase();
  let store: UploadStore | undefined;
  let sql: pg.Client | undefined;
  const close = async () => {
    await sql?.end();
    await store?.close();
    await db.drop();
  };
  try {
    store = await openPostgresStore(db.url, { stuckRule: createStuckRule(600), max });
    sql = new pg.Client(db.url);
    await sql.connect();
    return { db, store, sql, close };
  } catch (error) {
    // Half set up: what was opened is closed here, as the test's teardown has nothing to close.
    await close().catch(() => undefined);
    throw error;
  }
}
