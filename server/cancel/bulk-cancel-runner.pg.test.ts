// Two replicas on one PostgreSQL database (two pools, as two replica processes would have).
import { describe } from 'vitest';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import { createTestDatabase, testPostgres } from '#server/test-support/postgres.ts';
import { describeRunnerReplicas } from './runner-replicas.ts';

describe.skipIf(!testPostgres())('PostgreSQL', () => {
  describeRunnerReplicas('PostgreSQL', async () => {
    const db = await createTestDatabase();
    return {
      connect: () => openPostgresStore(db.url, { max: 4 }),
      drop: () => db.drop(),
    };
  });
});
