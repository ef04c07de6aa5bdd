// The list, search and count queries the store really sends (captured from its pool), explained on a
// table big enough for the planner to prefer indexes on its own: every sort and order walks its
// (sort_col, id) index without sorting, status tabs use the status-prefixed ones, a cursor is an
// index condition, search uses the trigram index or the primary key, and counts never scan. Bulk
// claims read only the items they take and the leased ones, however big the job.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SORT_FIELDS } from '#contract/dashboard-api.ts';
import type { StoreListQuery, UploadStore } from '#server/store/upload-store.ts';
import { testPostgres } from '#server/test-support/postgres.ts';
import { openStoreOnTestDatabase, type StoreOnTestDatabase } from '#server/test-support/postgres-store-fixture.ts';

const NOW = 1_800_000_000;
const ROWS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

describe.skipIf(!testPostgres())('PostgreSQL query plans', () => {
  let opened: StoreOnTestDatabase | undefined;
  let store: UploadStore;
  let explainer: pg.Client;

  beforeAll(async () => {
    opened = await openStoreOnTestDatabase(2);
    ({ store, sql: explainer } = opened);
    // A spread like production: mostly completed, a few cancelled and expired, the pending ones recent
    // (one every 7 s, so the newest 400 span the last hour); one purpose common, one rare.
    await explainer.query(
      `INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object, parts_count, bytes_received,
         first_seen_at, last_activity_at, seen_via)
       SELECT id, status, created_at, created_at + 3600, bytes, filename, purpose,
              jsonb_build_object('id', id, 'object', 'upload', 'bytes', bytes, 'created_at', created_at, 'expires_at', created_at + 3600,
                'filename', filename, 'purpose', purpose, 'status', status, 'file', null),
              0, 0, created_at, created_at + i % 50, 'create'
       FROM (
         SELECT i, 'upload_' || lpad(i::text, 6, '0') AS id,
                CASE WHEN i <= 400 AND i % 4 = 0 THEN 'pending' WHEN i % 50 = 1 THEN 'cancelled' WHEN i % 50 IN (2, 3) THEN 'expired' ELSE 'completed' END AS status,
                $1::bigint - i * 7 AS created_at, 1000 + (i * 7919) % 100000 AS bytes,
                (ARRAY['alpha', 'beta', 'gamma', 'delta'])[1 + i % 4] || '-report-' || i || '.jsonl' AS filename,
                CASE WHEN i % 40 = 7 THEN 'vision' WHEN i % 3 = 0 THEN 'fine-tune' ELSE 'batch' END AS purpose
         FROM generate_series(1, $2::integer) AS i) AS generated`,
      [NOW, ROWS],
    );
    // owners: one client common, one rare, the rest without a client (seen through a cancel by id).
    await explainer.query("UPDATE uploads SET client_name = CASE WHEN i % 40 = 9 THEN 'rare-bot' WHEN i % 2 = 0 THEN 'team-a' END FROM (SELECT id AS uid, substr(id, 8)::integer AS i FROM uploads) AS n WHERE n.uid = uploads.id");
    await explainer.query('ANALYZE uploads');
  }, 60_000);
  afterAll(async () => {
    await opened?.close();
  });

  /** Runs `call`, capturing what the store sent through its pool, and explains each statement. */
  async function plansOf(call: () => Promise<unknown>): Promise<PlanNode[][]> {
    const sent: { text: string; values: unknown[] }[] = [];
    const original = pg.Pool.prototype.query;
    const spy = vi.spyOn(pg.Pool.prototype, 'query').mockImplementation(function (this: pg.Pool, ...args: unknown[]) {
      const [text, values] = args as [string, unknown[] | undefined];
      sent.push({ text, values: values ?? [] });
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      await call();
    } finally {
      spy.mockRestore();
    }
    expect(sent.length).toBeGreaterThan(0);
    const plans: PlanNode[][] = [];
    for (const { text, values } of sent) {
      const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
      plans.push(nodes(rows[0]!['QUERY PLAN'][0].Plan));
    }
    return plans;
  }

  const listPlan = async (query: Omit<StoreListQuery, 'limit'>) => {
    const [plan] = await plansOf(() => store.listUploads({ limit: 100, ...query }, NOW));
    return plan!;
  };
  const indexesUsed = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);
  const describePlan = (plan: PlanNode[]) => plan.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`).join(' > ');
  const scansTable = (plan: PlanNode[]) => plan.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'uploads');
  const sorts = (plan: PlanNode[]) => plan.some((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort');

  const SORT_INDEX = { created_at: 'created', expires_at: 'expiry', bytes: 'bytes', last_activity_at: 'activity' } as const;

  for (const sort of SORT_FIELDS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`${sort} ${order}: walks uploads_by_${SORT_INDEX[sort]}, first page and with a cursor`, async () => {
        const first = await listPlan({ sort, order });
        expect(indexesUsed(first), describePlan(first)).toEqual([`uploads_by_${SORT_INDEX[sort]}`]);
        expect(sorts(first)).toBe(false);
        const { nextCursor } = await store.listUploads({ sort, order, limit: 100 }, NOW);
        const next = await listPlan({ sort, order, cursor: nextCursor! });
        expect(indexesUsed(next), describePlan(next)).toEqual([`uploads_by_${SORT_INDEX[sort]}`]);
        expect(next.find((n) => n['Index Name'])?.['Index Cond']).toMatch(/ROW\(/);
        expect(sorts(next)).toBe(false);
      });
    }
  }

  it('a status tab walks the status-prefixed index of its sort', async () => {
    for (const [sort, index] of [
      ['created_at', 'uploads_by_status_created'],
      ['bytes', 'uploads_by_status_bytes'],
      ['last_activity_at', 'uploads_by_status_activity'],
      ['expires_at', 'uploads_by_status_expiry'],
    ] as const) {
      const plan = await listPlan({ status: 'cancelled', sort, order: 'desc' });
      expect(indexesUsed(plan), `${sort}: ${describePlan(plan)}`).toEqual([index]);
      expect(sorts(plan), sort).toBe(false);
    }
    // The pending tab also bounds expires_at (> now): the planner may take that range of
    // (status, expires_at) and sort it, which is at most an hour of uploads (they expire).
    const pending = await listPlan({ status: 'pending', sort: 'created_at', order: 'asc' });
    expect(indexesUsed(pending), describePlan(pending)).toHaveLength(1);
    expect(indexesUsed(pending)[0], describePlan(pending)).toMatch(/^uploads_by_status_(created|expiry)$/);
    expect(scansTable(pending)).toBe(false);
  });

  it('filename search of three characters or more uses the trigram index; an id prefix the primary key', async () => {
    const byName = await listPlan({ q: 'eta-report-123' });
    expect(indexesUsed(byName), describePlan(byName)).toContain('uploads_filename_trgm');
    expect(scansTable(byName)).toBe(false);
    const byId = await listPlan({ q: 'upload_0012' });
    expect(indexesUsed(byId), describePlan(byId)).toContain('uploads_pkey');
    expect(scansTable(byId)).toBe(false);
  });

  it('a common filename term walks uploads_by_created index-only, testing the folded filename it carries, and reads only the page from the table', async () => {
    const plan = await listPlan({ q: 'Beta-Report' });
    const walk = plan.find((n) => n['Index Name'] === 'uploads_by_created');
    expect(walk?.['Node Type'], describePlan(plan)).toBe('Index Only Scan');
    expect(indexesUsed(plan), describePlan(plan)).toEqual(['uploads_by_created', 'uploads_pkey']);
    expect(scansTable(plan)).toBe(false);
  });

  it('a rare purpose walks uploads_by_purpose_created; a common one may walk the sort index instead, never sorting', async () => {
    const rare = await listPlan({ purpose: 'vision' });
    expect(indexesUsed(rare), describePlan(rare)).toEqual(['uploads_by_purpose_created']);
    const common = await listPlan({ purpose: 'batch' });
    expect(scansTable(common) || sorts(common), describePlan(common)).toBe(false);
  });

  it('a rare client walks uploads_by_client_created, first page and with a cursor, never sorting', async () => {
    const first = await listPlan({ client: 'rare-bot' });
    expect(indexesUsed(first), describePlan(first)).toEqual(['uploads_by_client_created']);
    expect(sorts(first)).toBe(false);
    const { nextCursor } = await store.listUploads({ client: 'rare-bot', limit: 100 }, NOW);
    const next = await listPlan({ client: 'rare-bot', cursor: nextCursor! });
    expect(indexesUsed(next), describePlan(next)).toEqual(['uploads_by_client_created']);
    expect(sorts(next)).toBe(false);
    const common = await listPlan({ client: 'team-a' });
    expect(scansTable(common) || sorts(common), describePlan(common)).toBe(false);
  });

  it('counts read the counts table and one index range over the live pending uploads (lapsed ones are never walked)', async () => {
    // The expired uploads as pending ones past expiry that no sweep marked yet (800, eight times the live ones).
    await explainer.query(`UPDATE uploads SET status = 'pending' WHERE status = 'expired'`);
    await explainer.query('ANALYZE uploads');
    try {
      const [plan] = await plansOf(() => store.countByStatus(NOW));
      expect(plan!.some((n) => n['Relation Name'] === 'upload_counts'), describePlan(plan!)).toBe(true);
      expect(scansTable(plan!)).toBe(false);
      const onUploads = plan!.filter((n) => n['Relation Name'] === 'uploads');
      expect(onUploads, describePlan(plan!)).toHaveLength(1);
      expect(onUploads[0]!['Index Name'], describePlan(plan!)).toMatch(/^uploads_by_status_(expiry|created)$/);
      expect(onUploads[0]!['Index Cond'], describePlan(plan!)).toMatch(/expires_at > /);
      // The lapsed ones are counted as expired, from the stored pending count less the live ones.
      const { rows } = await explainer.query<{ status: string; n: number }>(
        `SELECT CASE WHEN status = 'pending' AND expires_at <= $1::bigint THEN 'expired' ELSE status END AS status, COUNT(*)::integer AS n FROM uploads GROUP BY 1`,
        [NOW],
      );
      expect(await store.countByStatus(NOW)).toMatchObject(Object.fromEntries(rows.map((r) => [r.status, r.n])));
    } finally {
      await explainer.query(`UPDATE uploads SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1::bigint`, [NOW]);
      await explainer.query('ANALYZE uploads');
    }
  }, 30_000);

  it('the clients list reads the trigger-kept totals and only the pending uploads, by the status index', async () => {
    await explainer.query('ANALYZE client_count_slots');
    const [plan] = await plansOf(() => store.countByClient(NOW));
    expect(plan!.some((n) => n['Relation Name'] === 'client_count_slots'), describePlan(plan!)).toBe(true);
    expect(scansTable(plan!), describePlan(plan!)).toBe(false);
    expect(indexesUsed(plan!).every((name) => name!.startsWith('uploads_by_status_') || name === 'client_count_slots_pkey'), describePlan(plan!)).toBe(true);
    expect(indexesUsed(plan!).some((name) => name!.startsWith('uploads_by_status_')), describePlan(plan!)).toBe(true);
    // The totals the triggers kept through the bulk fill-in of owners above are the table's own.
    const { rows } = await explainer.query<{ name: string; n: number }>(
      'SELECT client_name AS name, COUNT(*)::integer AS n FROM uploads WHERE client_name IS NOT NULL GROUP BY 1 ORDER BY client_name COLLATE "C"',
    );
    expect((await store.countByClient(NOW)).map((c) => ({ name: c.name, n: c.total }))).toEqual(rows);
  });

  it('the activity chart reads the bucket table by its key and only the pending uploads of the window, by the status index', async () => {
    await explainer.query('ANALYZE upload_activity');
    for (const range of [
      { from: NOW - 3300, to: NOW + 300, bucketSeconds: 300 },
      { from: NOW - 23 * 3600, to: NOW + 3600, bucketSeconds: 3600 },
    ]) {
      const [plan] = await plansOf(() => store.activityBuckets(range, NOW));
      expect(scansTable(plan!), describePlan(plan!)).toBe(false);
      expect(plan!.some((n) => n['Node Type'] === 'Seq Scan'), describePlan(plan!)).toBe(false);
      expect(indexesUsed(plan!), describePlan(plan!)).toEqual(expect.arrayContaining(['upload_activity_pkey', 'uploads_by_status_created']));
    }
  });

  it('a bulk claim reads the items it takes and the leased ones: never every item of a big job, never sorting them', async () => {
    const ids = Array.from({ length: ROWS }, (_, i) => `upload_${String(i).padStart(6, '0')}`);
    await store.createJob({ id: 'job_big', created_by: 'ops', created_at: NOW, reason: null }, ids);
    await store.claimJobItems({ owner: 'replica_a', now: NOW * 1000, leaseMs: 30_000, limit: 8, cap: 8 });
    await explainer.query('ANALYZE bulk_job_items');
    // Claims run in a transaction (a pool client's queries, not the pool's): capture those.
    const sent: { text: string; values: unknown[] }[] = [];
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const [text, values] = args as [string, unknown[] | undefined];
      if (typeof text === 'string' && !/^(BEGIN|COMMIT|ROLLBACK)/.test(text)) sent.push({ text, values: values ?? [] });
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      // B takes its share; A, at its share, takes nothing more; a renewal and a hand-back.
      expect(await store.claimJobItems({ owner: 'replica_b', now: NOW * 1000 + 1, leaseMs: 30_000, limit: 8, cap: 16 })).toHaveLength(8);
      await store.renewJobItems({ owner: 'replica_b', now: NOW * 1000 + 2, leaseMs: 30_000 }, [{ job_id: 'job_big', seq: 9 }]);
      await store.releaseJobItems('replica_a');
    } finally {
      spy.mockRestore();
    }
    expect(sent.length).toBeGreaterThan(3);
    for (const { text, values } of sent) {
      const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
      const plan = nodes(rows[0]!['QUERY PLAN'][0].Plan);
      const onItems = plan.filter((n) => n['Relation Name'] === 'bulk_job_items');
      expect(onItems.some((n) => n['Node Type'] === 'Seq Scan'), `${text}: ${describePlan(plan)}`).toBe(false);
      expect(onItems.length > 0 && sorts(plan), `${text}: ${describePlan(plan)}`).toBe(false);
    }
  });
});
