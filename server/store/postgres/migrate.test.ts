import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratePostgres } from '#server/store/postgres/migrate.ts';
import { postgresMigrations } from '#server/store/postgres/migrations.ts';
import { createPostgresPool } from '#server/store/postgres/pool.ts';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import { createTestDatabase, testPostgres, type TestDatabase } from '#server/test-support/postgres.ts';

describe.skipIf(!testPostgres())('PostgreSQL migrations', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const pool = () => {
    const created = createPostgresPool(db.url, { max: 2 });
    pools.push(created);
    return created;
  };

  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await db.drop();
  });

  it('applies every migration once when several replicas start at once on an empty database', async () => {
    const results = await Promise.all([migratePostgres(pool()), migratePostgres(pool()), migratePostgres(pool())]);
    const all = postgresMigrations.map((m) => m.version);
    // One replica did the work; the others waited on the lock and found nothing left to do.
    expect(results.filter((applied) => applied.length > 0)).toEqual([all]);
    expect(results.filter((applied) => applied.length === 0)).toHaveLength(2);
    const { rows } = await pool().query<{ version: number; n: number }>('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
    expect(rows).toEqual(all.map((version) => ({ version, n: 1 })));
  });

  it('opens two stores at once on an empty database, both usable', async () => {
    const [a, b] = await Promise.all([openPostgresStore(db.url, { max: 2 }), openPostgresStore(db.url, { max: 2 })]);
    try {
      await a.recordUpload(
        { id: 'upload_a', object: 'upload', bytes: 10, created_at: 1, expires_at: 3601, filename: 'a.jsonl', purpose: 'batch', status: 'pending', file: null },
        { at: 1, via: 'create' },
      );
      expect((await b.getUpload('upload_a', 2))?.status).toBe('pending');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('re-opening applies nothing, and a database newer than the build is refused', async () => {
    expect(await migratePostgres(pool())).not.toEqual([]);
    expect(await migratePostgres(pool())).toEqual([]);
    await pool().query("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from the future')");
    await expect(migratePostgres(pool())).rejects.toThrow(/newer than this build/);
  });

  it("counts each client's uploads recorded before the client counts existed (migration 8's backfill)", async () => {
    const clientCounts = postgresMigrations.find((m) => m.name === 'uploads per client kept by triggers')!;
    await migratePostgres(pool(), postgresMigrations.filter((m) => m.version < clientCounts.version));
    await pool().query(
      `INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object, first_seen_at, last_activity_at, seen_via, client_name)
       SELECT 'upload_' || i, 'completed', 1, 3601, 1, 'a.jsonl', 'batch', '{}'::jsonb, 1, 1, 'create', (ARRAY['team-b', 'team-a', NULL])[1 + i % 3]
       FROM generate_series(1, 10) AS i`,
    );
    expect(await migratePostgres(pool(), postgresMigrations.filter((m) => m.version <= clientCounts.version))).toEqual([clientCounts.version]);
    const store = await openPostgresStore(db.url, { max: 2 });
    try {
      expect((await store.countByClient(2)).map(({ name, total }) => [name, total])).toEqual([
        ['team-a', 4],
        ['team-b', 3],
      ]);
    } finally {
      await store.close();
    }
  });

  it('finds by filename, in any case, the uploads recorded before the folded filename existed (migration 9)', async () => {
    const folded = postgresMigrations.find((m) => m.name === 'filename search on a folded column the created index carries')!;
    await migratePostgres(pool(), postgresMigrations.filter((m) => m.version < folded.version));
    await pool().query(
      `INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object, first_seen_at, last_activity_at, seen_via)
       SELECT 'upload_' || i, 'completed', i, i + 3600, 1, (ARRAY['Quarterly-Report-', 'notes-'])[1 + i % 2] || i || '.jsonl', 'batch',
              jsonb_build_object('id', 'upload_' || i, 'object', 'upload', 'bytes', 1, 'created_at', i, 'expires_at', i + 3600,
                'filename', 'x', 'purpose', 'batch', 'status', 'completed', 'file', null), 1, 1, 'create'
       FROM generate_series(1, 6) AS i`,
    );
    expect(await migratePostgres(pool(), postgresMigrations.filter((m) => m.version <= folded.version))).toEqual([folded.version]);
    const store = await openPostgresStore(db.url, { max: 2 });
    try {
      const ids = async (q: string) => (await store.listUploads({ q, limit: 10 }, 10)).data.map((r) => r.upload.id);
      expect(await ids('quarterly-REPORT')).toEqual(['upload_6', 'upload_4', 'upload_2']);
      expect(await ids('NOTES-3')).toEqual(['upload_3']);
    } finally {
      await store.close();
    }
  });

  it('leaves nothing behind when a migration fails', async () => {
    const broken = [...postgresMigrations, { version: 1000, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT no_such_function();' }];
    await expect(migratePostgres(pool(), broken)).rejects.toThrow(/no_such_function/);
    const { rows } = await pool().query("SELECT to_regclass('schema_migrations') AS migrations, to_regclass('uploads') AS uploads, to_regclass('half_done') AS half");
    expect(rows[0]).toEqual({ migrations: null, uploads: null, half: null });
  });
});
