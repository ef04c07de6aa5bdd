import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SORT_FIELDS, type SortField } from '#contract/dashboard-api.ts';
import type { Upload } from '#contract/uploads.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { stuckReason } from './stuck-rule.ts';
import type { UploadStore } from './upload-store.ts';

const NOW = 1_800_000_000;
const STUCK_AFTER = 600;
let store: UploadStore;

function upload(i: number, overrides: Partial<Upload> = {}): Upload {
  const created_at = overrides.created_at ?? NOW - 3000 + i;
  return {
    id: `upload_${String(i).padStart(5, '0')}`,
    object: 'upload',
    bytes: 1000 + ((i * 37) % 11) * 100,
    created_at,
    expires_at: created_at + 3600,
    filename: `${['alpha', 'beta', 'gamma'][i % 3]}-report-${i}.jsonl`,
    purpose: ['batch', 'fine-tune', 'vision'][i % 3]!,
    status: 'pending',
    file: null,
    ...overrides,
  };
}

beforeEach(() => {
  store = openSqliteStore(':memory:', { stuckAfterSeconds: STUCK_AFTER });
});
afterEach(() => store.close());

async function allPages(query: Omit<Parameters<UploadStore['listUploads']>[0], 'limit'>, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listUploads({ ...query, limit, cursor }, NOW);
    ids.push(...page.data.map((r) => r.upload.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('filters', () => {
  beforeEach(async () => {
    for (let i = 0; i < 60; i++) await store.recordUpload(upload(i, { status: i % 10 === 0 ? 'cancelled' : 'pending' }), { at: NOW - 3000 + i, via: 'create' });
  });

  it('by purpose, by filename substring (any case), by id prefix, and by age', async () => {
    expect((await allPages({ purpose: 'vision' })).length).toBe(20);
    const gamma = await allPages({ q: 'GAMMA-rep' });
    expect(gamma.length).toBe(20);
    expect(await allPages({ q: 'report-4' })).toEqual(expect.arrayContaining(['upload_00004', 'upload_00040', 'upload_00049']));
    expect((await allPages({ q: 'a-' })).length).toBeGreaterThan(0); // under three characters: a plain scan
    expect(await allPages({ q: 'upload_0005' })).toEqual(['upload_00059', 'upload_00058', 'upload_00057', 'upload_00056', 'upload_00055', 'upload_00054', 'upload_00053', 'upload_00052', 'upload_00051', 'upload_00050']);
    expect(await allPages({ q: '%' })).toEqual([]); // LIKE wildcards are literal
    const older = await allPages({ older_than: 3000 - 9 }); // created at NOW-3000 .. NOW-2991
    expect(older.length).toBe(10);
    const newer = await allPages({ newer_than: 3000 - 50 });
    expect(newer.length).toBe(10);
  });

  it('combines filters', async () => {
    const ids = await allPages({ status: 'cancelled', purpose: 'batch' });
    expect(ids.sort()).toEqual(['upload_00000', 'upload_00030']);
  });
});

describe('sorting with keyset pagination', () => {
  beforeEach(async () => {
    // Ties on every sort field, so the id tie-breaker matters.
    for (let i = 0; i < 40; i++) {
      await store.recordUpload(upload(i, { created_at: NOW - 1000 + Math.floor(i / 4) }), { at: NOW - 500 + (i % 5), via: 'create' });
    }
  });

  for (const sort of SORT_FIELDS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`${sort} ${order}: every row once, in order`, async () => {
        const ids = await allPages({ sort, order }, 6);
        expect(ids).toHaveLength(40);
        expect(new Set(ids).size).toBe(40);
        const records = await store.getUploads(ids, NOW);
        const key = (id: string) => {
          const r = records.get(id)!;
          const value: Record<SortField, number> = { created_at: r.upload.created_at, expires_at: r.upload.expires_at, bytes: r.upload.bytes, last_activity_at: r.last_activity_at };
          return [value[sort], id] as const;
        };
        for (let i = 1; i < ids.length; i++) {
          const [a, aid] = key(ids[i - 1]!);
          const [b, bid] = key(ids[i]!);
          const inOrder = order === 'asc' ? a < b || (a === b && aid < bid) : a > b || (a === b && aid > bid);
          expect(inOrder).toBe(true);
        }
      });
    }
  }

  it('refuses a cursor from another sort order', async () => {
    const page = await store.listUploads({ sort: 'bytes', order: 'asc', limit: 5 }, NOW);
    await expect(store.listUploads({ sort: 'created_at', order: 'desc', limit: 5, cursor: page.nextCursor! }, NOW)).rejects.toThrow(/different sort/);
  });
});

describe('stuck', () => {
  it('idle: no part for the configured time', async () => {
    await store.recordUpload(upload(1), { at: NOW - STUCK_AFTER, via: 'create' });
    await store.recordUpload(upload(2), { at: NOW - STUCK_AFTER + 1, via: 'create' });
    const stuck = (await store.listUploads({ stuck: true, limit: 10 }, NOW)).data;
    expect(stuck.map((r) => r.upload.id)).toEqual(['upload_00001']);
    expect(stuck[0]!.stuck).toEqual({ reason: 'idle', message: 'No part received since it was created 10 min ago' });
    expect((await store.countByStatus(NOW)).stuck).toBe(1);
  });

  it('too slow: at its pace it would not finish before expiry', async () => {
    // 1,000 of 100,000 bytes in the first 10 minutes: 99 % left needs ~16 h; it expires in 50 min.
    const slow = upload(3, { bytes: 100_000, created_at: NOW - 600 });
    await store.recordUpload(slow, { at: NOW - 600, via: 'create' });
    await store.recordPart({ id: 'part_a', object: 'upload.part', created_at: NOW - 1, upload_id: slow.id }, 1000, NOW - 1);
    const record = await store.getUpload(slow.id, NOW);
    expect(record?.stuck?.reason).toBe('too_slow');
    expect((await store.listUploads({ stuck: true, limit: 10 }, NOW)).data.map((r) => r.upload.id)).toEqual([slow.id]);
  });

  it('the SQL filter and the rule agree on any upload (property test)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          age: fc.integer({ min: 0, max: 3599 }),
          bytes: fc.integer({ min: 1, max: 10_000_000 }),
          receivedShare: fc.double({ min: 0, max: 1, noNaN: true }),
          activityShare: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        async ({ age, bytes, receivedShare, activityShare }) => {
          const created_at = NOW - age;
          const received = Math.floor(bytes * receivedShare);
          const lastActivity = created_at + Math.floor(age * activityShare);
          const id = `upload_p${n++}`;
          await store.recordUpload({ ...upload(0, { id, bytes, created_at }) }, { at: created_at, via: 'create' });
          if (received > 0) await store.recordPart({ id: `part_${id}`, object: 'upload.part', created_at: lastActivity, upload_id: id }, received, lastActivity);
          const record = (await store.getUpload(id, NOW))!;
          const bySql = (await store.listUploads({ stuck: true, q: id, limit: 5 }, NOW)).data.length === 1;
          const byRule = stuckReason({ created_at, expires_at: created_at + 3600, bytes, bytes_received: received, last_activity_at: record.last_activity_at }, NOW, STUCK_AFTER) !== null;
          expect(bySql).toBe(byRule);
          expect(record.stuck !== null).toBe(byRule);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('counts and expiry', () => {
  it('keeps counts by triggers and derives expiry until the sweeper marks it', async () => {
    await store.recordUpload(upload(1, { created_at: NOW - 4000 }), { at: NOW - 4000, via: 'create' });
    await store.recordUpload(upload(2), { at: NOW, via: 'create' });
    await store.recordUpload(upload(3, { status: 'completed' }), { at: NOW, via: 'complete' });
    expect(await store.countByStatus(NOW)).toMatchObject({ pending: 1, expired: 1, completed: 1, cancelled: 0 });
    const swept = await store.expireLapsed(NOW, 100);
    expect(swept.map((r) => [r.upload.id, r.status, r.upload.status])).toEqual([['upload_00001', 'expired', 'expired']]);
    expect(await store.expireLapsed(NOW, 100)).toEqual([]);
    expect(await store.countByStatus(NOW)).toMatchObject({ pending: 1, expired: 1, completed: 1 });
    await store.recordUpload(upload(2, { status: 'cancelled' }), { at: NOW, via: 'cancel', actor: 'ops' });
    expect(await store.countByStatus(NOW)).toMatchObject({ pending: 0, expired: 1, completed: 1, cancelled: 1 });
    expect((await store.timeline('upload_00001')).map((e) => e.kind)).toEqual(['created', 'expired']);
  });
});
