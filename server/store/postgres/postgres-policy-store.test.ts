import { describe } from 'vitest';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { describePolicyStore } from '#server/store/policy-store-contract.ts';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import { createTestDatabase, testPostgres } from '#server/test-support/postgres.ts';

const server = testPostgres();

describe.skipIf(!server)('PostgreSQL policy store', () => {
  // Two pools on one database, as two replicas have.
  describePolicyStore('postgres', async () => {
    const db = await createTestDatabase();
    const stuckRule = createStuckRule(3600);
    return {
      a: await openPostgresStore(db.url, { stuckRule, max: 4 }),
      b: await openPostgresStore(db.url, { stuckRule, max: 4 }),
      reopen: () => openPostgresStore(db.url, { stuckRule, max: 2 }),
      cleanup: () => db.drop(),
    };
  });
});
