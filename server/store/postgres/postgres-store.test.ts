import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { openPostgresStore } from '#server/store/postgres/postgres-store.ts';
import { describeUploadStore } from '#server/store/store-contract.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { createTestDatabase, testPostgres, type TestDatabase } from '#server/test-support/postgres.ts';
import { fillPostgres } from '#server/test-support/fill-uploads.ts';
import { openStoreOnTestDatabase, type StoreOnTestDatabase } from '#server/test-support/postgres-store-fixture.ts';

const server = testPostgres();
const NOW = 1_800_000_000;

function makeUpload(id: string, overrides: Partial<Upload> = {}): Upload {
  const created_at = overrides.created_at ?? NOW - 3000;
  return { id, object: 'upload', bytes: 1000, created_at, expires_at: created_at + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null, ...overrides };
}

describe.skipIf(!server)('PostgreSQL store', () => {
  // Every test gets a database of its own, a copy of the migrated template.
  describeUploadStore(
    'postgres',
    async ({ stuckRule }) => {
      const db = await createTestDatabase();
      return {
        store: await openPostgresStore(db.url, { stuckRule, max: 4 }),
        reopen: () => openPostgresStore(db.url, { stuckRule, max: 4 }),
        cleanup: () => db.drop(),
        fill: (rows) => fillPostgres(db.url, rows),
      };
    },
    // recordUpload is a few round trips here (about 2 ms), not a function call: fewer rows keep the
    // at-scale pair to seconds on a shared machine, and still span 20 pages of 500.
    { rowsAtScale: 10_000 },
  );

  describe('PostgreSQL specifics', () => {
    let opened: StoreOnTestDatabase;
    let store: UploadStore;
    let sql: pg.Client;

    beforeEach(async () => {
      opened = await openStoreOnTestDatabase(4);
      ({ store, sql } = opened);
    });
    afterEach(() => opened.close());

    it('keeps the counts table in step with the rows, and counts from it', async () => {
      for (let i = 0; i < 30; i++) {
        await store.recordUpload(makeUpload(`upload_${i}`, { status: i % 3 === 0 ? 'completed' : 'pending', created_at: NOW - 100 }), { at: NOW - 100, via: 'create' });
      }
      for (let i = 1; i < 30; i += 4) await store.recordUpload(makeUpload(`upload_${i}`, { status: 'cancelled', created_at: NOW - 100 }), { at: NOW, via: 'cancel', actor: 'ops' });
      const { rows: table } = await sql.query<{ status: string; n: number }>('SELECT status, n::integer AS n FROM upload_counts WHERE n <> 0 ORDER BY status');
      const { rows: actual } = await sql.query<{ status: string; n: number }>('SELECT status, COUNT(*)::integer AS n FROM uploads GROUP BY status ORDER BY status');
      expect(table).toEqual(actual);
      // countByStatus reads that table (it does not count the rows): a change to the table shows.
      const before = await store.countByStatus(NOW);
      await sql.query("UPDATE upload_counts SET n = n + 1000 WHERE status = 'completed'");
      expect((await store.countByStatus(NOW)).completed).toBe(before.completed + 1000);
    });

    it('a status change holds the shared counts rows for its commit only: another one does not queue behind it meanwhile', async () => {
      // Both in the same 5-minute bucket: before migration 10 the two cancels below took the same
      // counts and activity rows at their UPDATE, and the second waited for the first's COMMIT.
      for (const id of ['upload_held', 'upload_free']) await store.recordUpload(makeUpload(id, { created_at: NOW - 100 }), { at: NOW - 100, via: 'create' });
      await sql.query('BEGIN');
      await sql.query("UPDATE uploads SET status = 'cancelled' WHERE id = 'upload_held'");
      // The store's cancel of the other upload, while that transaction is still open.
      const cancel = store.recordUpload(makeUpload('upload_free', { status: 'cancelled', created_at: NOW - 100 }), { at: NOW, via: 'cancel', actor: 'ops' });
      let timer: NodeJS.Timeout | undefined;
      try {
        const first = await Promise.race([cancel.then(() => 'committed'), new Promise((resolve) => (timer = setTimeout(resolve, 3_000, 'still waiting after 3 s')))]);
        expect(first, 'the cancel beside an open status change').toBe('committed');
        expect(await store.countByStatus(NOW)).toMatchObject({ pending: 1, cancelled: 1 });
      } finally {
        clearTimeout(timer);
        await sql.query('COMMIT');
        await cancel;
      }
      expect(await store.countByStatus(NOW)).toMatchObject({ pending: 0, cancelled: 2 });
      const buckets = await store.activityBuckets({ from: NOW - 3600, to: NOW, bucketSeconds: 300 }, NOW);
      expect([...buckets.values()].reduce((sum, counts) => sum + counts.cancelled, 0)).toBe(2);
    });

    it('reads bigint columns as Numbers, on its own pool only', async () => {
      const big = makeUpload('upload_big', { bytes: 2 ** 40 + 3 });
      expect((await store.recordUpload(big, { at: NOW, via: 'create' })).upload.bytes).toBe(2 ** 40 + 3);
      await store.recordPart({ id: 'part_1', object: 'upload.part', created_at: NOW, upload_id: big.id }, 2 ** 33, NOW);
      expect(await store.getUpload(big.id, NOW)).toMatchObject({ bytes_received: 2 ** 33, first_seen_at: NOW });
      const page = await store.listUploads({ sort: 'bytes', order: 'desc', limit: 1 }, NOW);
      expect(page.data[0]?.upload.id).toBe('upload_big');
      // Another pg user in the process still gets pg's default: int8 as a string.
      const { rows } = await sql.query<{ n: unknown }>('SELECT 1::bigint AS n');
      expect(rows[0]?.n).toBe('1');
    });

    it('announces each change on uc_feed with only an id, after it commits', async () => {
      const heard: string[] = [];
      sql.on('notification', (message) => {
        if (message.channel === 'uc_feed') heard.push(message.payload ?? '');
      });
      await sql.query('LISTEN uc_feed');
      await store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create' });
      await store.recordPart({ id: 'part_1', object: 'upload.part', created_at: NOW, upload_id: 'upload_a' }, 10, NOW + 1);
      await store.createJob({ id: 'job_1', created_by: 'ops', created_at: NOW, reason: null }, ['upload_a']);
      await store.recordCancelOutcome({
        entry: { at: NOW + 2, actor: 'ops', source: 'bulk', upload_id: 'upload_a', reason: null, outcome: 'cancelled', upstream_status: 200, request_id: null, job_id: 'job_1', message: null },
        change: { kind: 'object', upload: makeUpload('upload_a', { status: 'cancelled' }) },
        jobItem: { seq: 1 },
      });
      await store.finishJob('job_1', NOW + 3, 1);
      // A write that changes nothing is not news.
      await store.finishJobItem('job_1', 1, { outcome: 'failed', message: null, upstream_status: null });
      await sql.query('SELECT 1'); // notifications sent before this round trip have arrived
      await expect.poll(() => heard).toEqual(['u:upload_a', 'u:upload_a', 'j:job_1', 'j:job_1', 'u:upload_a', 'j:job_1']);
    });
  });

  describe('two replicas on one database', () => {
    let db: TestDatabase;
    let a: UploadStore;
    let b: UploadStore;

    beforeAll(async () => {
      db = await createTestDatabase();
    });
    beforeEach(async () => {
      [a, b] = await Promise.all([openPostgresStore(db.url, { max: 4 }), openPostgresStore(db.url, { max: 4 })]);
    });
    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('record the same new upload at once: one row, one created event, counted once', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `upload_race${i}`);
      await Promise.all(ids.flatMap((id) => [a.recordUpload(makeUpload(id), { at: NOW, via: 'create' }), b.recordUpload(makeUpload(id, { status: 'cancelled' }), { at: NOW, via: 'cancel', actor: 'ops' })]));
      const found = await a.getUploads(ids, NOW);
      expect(found.size).toBe(20);
      for (const id of ids) {
        const firsts = (await b.timeline(id)).filter((e) => e.kind === 'created' || e.kind === 'seen');
        expect(firsts, id).toHaveLength(1);
      }
      const counts = await a.countByStatus(NOW);
      expect(counts.pending + counts.cancelled).toBe(20);
    });

    it('settle the same bulk item at once: exactly one wins', async () => {
      await a.createJob({ id: 'job_race', created_by: 'ops', created_at: NOW, reason: null }, ['upload_x']);
      const entry = { at: NOW, actor: 'ops', source: 'bulk' as const, upload_id: 'upload_x', reason: null, outcome: 'not_found' as const, upstream_status: 404, request_id: null, job_id: 'job_race', message: null };
      const results = await Promise.all([a, b, a, b].map((s) => s.recordCancelOutcome({ entry, change: { kind: 'none' }, jobItem: { seq: 1 } })));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await b.listAudit({ upload_id: 'upload_x', limit: 10 })).data).toHaveLength(1);
    });

    it('claim bulk items at once: never more leased than the cap together, no item twice', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `upload_claim${i}`);
      await a.createJob({ id: 'job_claims', created_by: 'ops', created_at: NOW, reason: null }, ids);
      const now = NOW * 1000;
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimJobItems({ owner: i % 2 ? 'replica_a' : 'replica_b', now, leaseMs: 30_000, limit: 4, cap: 6 })),
      );
      const claimed = claims.flat().map((item) => item.seq);
      expect(claimed).toHaveLength(6);
      expect(new Set(claimed).size).toBe(6);
    });

    it('purge, record and fill in owners at once across clients: no deadlock, client totals exact', async () => {
      // Old finished uploads of four statuses and six clients (some without one yet), interleaved so
      // one purge batch holds several clients' uploads in no particular name order.
      const clients = ['zeta', 'alpha', 'mu', 'beta', 'omega', 'kappa'];
      const statuses = ['completed', 'cancelled', 'expired', 'completed'] as const;
      const old = Array.from({ length: 120 }, (_, i) => `upload_old${String(i).padStart(3, '0')}`);
      for (const [i, id] of old.entries()) {
        const client = i % 7 === 0 ? undefined : { name: clients[(i * 5) % 6]!, sdk: null };
        await a.recordUpload(makeUpload(id, { status: statuses[i % 4]!, created_at: NOW - 90_000 + i }), { at: NOW - 80_000 + i, via: 'create', client });
      }
      const purgeAll = async (store: UploadStore) => {
        while ((await store.purgeFinishedUploads(NOW - 10_000, 4)) > 0);
      };
      const fresh = Array.from({ length: 40 }, (_, i) => `upload_new${String(i).padStart(2, '0')}`);
      await Promise.all([
        purgeAll(a),
        purgeAll(b),
        ...fresh.map(async (id, i) => {
          const store = i % 2 ? a : b;
          // Recorded without a client, its owner filled in, then finished: one row, several statements.
          await store.recordUpload(makeUpload(id, { created_at: NOW - 100 }), { at: NOW - 100, via: 'create' });
          await store.recordUpload(makeUpload(id, { created_at: NOW - 100 }), { at: NOW - 90, via: 'create', client: { name: clients[i % 6]!, sdk: null } });
          await store.recordUpload(makeUpload(id, { created_at: NOW - 100, status: i % 3 ? 'completed' : 'cancelled' }), { at: NOW - 80, via: 'complete' });
        }),
        // Owners of old uploads filled in while they are being purged.
        ...old.filter((_, i) => i % 7 === 0).map((id, i) => b.recordUpload(makeUpload(id, { status: 'completed', created_at: NOW - 90_000 }), { at: NOW - 80_000, via: 'complete', client: { name: clients[(i * 5) % 6]!, sdk: null } })),
      ]);
      await purgeAll(a);
      const sql = new pg.Client(db.url);
      await sql.connect();
      try {
        const { rows } = await sql.query<{ name: string; total: number }>(
          'SELECT client_name AS name, COUNT(*)::integer AS total FROM uploads WHERE client_name IS NOT NULL GROUP BY 1 ORDER BY client_name COLLATE "C"',
        );
        expect(rows.reduce((n, row) => n + row.total, 0)).toBe(40);
        expect((await a.countByClient(NOW)).map(({ name, total }) => ({ name, total }))).toEqual(rows);
        const { rows: stored } = await sql.query<{ n: number }>('SELECT COALESCE(SUM(n), 0)::integer AS n FROM client_counts');
        expect(stored[0]?.n).toBe(40);
      } finally {
        await sql.end();
      }
    });

    it('sweep at once: each lapsed upload expired once', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => `upload_lapsed${String(i).padStart(2, '0')}`);
      for (const id of ids) await a.recordUpload(makeUpload(id, { created_at: NOW - 5000 }), { at: NOW - 5000, via: 'create' });
      const swept = await Promise.all([a.expireLapsed(NOW, 100), b.expireLapsed(NOW, 100), a.expireLapsed(NOW, 7), b.expireLapsed(NOW, 7)]);
      expect(swept.flat().map((r) => r.upload.id).sort()).toEqual(ids);
      for (const id of ids.slice(0, 5)) expect((await a.timeline(id)).filter((e) => e.kind === 'expired'), id).toHaveLength(1);
    });
  });
});
