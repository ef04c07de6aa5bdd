// The one way the console opens its store: the engine is chosen here, from configuration, so no
// caller names an implementation.
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { UploadStore } from './upload-store.ts';

export interface StoreConfig {
  /** The SQLite file (created with its folder if missing), or ':memory:'. */
  databasePath: string;
  /** The same rule the rest of the console reads, so the store's stuck view and the dashboard agree. */
  stuckRule: StuckRule;
}

export async function openStore(config: StoreConfig): Promise<UploadStore> {
  // Another engine (e.g. PostgreSQL from a database URL) is chosen here, before the SQLite default.
  return openSqliteStore(config.databasePath, config.stuckRule);
}
