// The one way the console opens its store: the engine is chosen here, from configuration, so no
// caller names an implementation.
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import type { Logger } from '#server/lib/logger.ts';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import { openSqliteStore } from '#server/store/sqlite/sqlite-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

export interface StoreConfig {
  /** The SQLite file (created with its folder if missing), or ':memory:'. Ignored when databaseUrl is set. */
  databasePath: string;
  /** postgres://… : the PostgreSQL store (migrated on open; several replicas may start at once). */
  databaseUrl?: string | null | undefined;
  /** The same rule the rest of the console reads, so the store's stuck view and the dashboard agree. */
  stuckRule: StuckRule;
  /** Told when a pooled PostgreSQL connection breaks while idle, or SQLite's checkpoint worker fails. */
  logger?: Logger | undefined;
}

export async function openStore(config: StoreConfig): Promise<UploadStore> {
  if (config.databaseUrl) {
    return openPostgresStore(config.databaseUrl, { stuckRule: config.stuckRule, ...(config.logger ? { logger: config.logger } : {}) });
  }
  return openSqliteStore(config.databasePath, config.stuckRule, config.logger);
}
