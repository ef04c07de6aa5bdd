// What every UploadStore does, whatever engine it runs on. An implementation's test file calls
// describeUploadStore with a way to open an empty store; nothing here knows which engine it is.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SORT_FIELDS, type SortField, type UploadRecord } from '#contract/dashboard-api.ts';
import type { Upload } from '#contract/uploads.ts';
import { createStuckRule, type StuckRule } from '#server/domain/stuck-rule.ts';
import {
  InvalidCursorError,
  JOB_CANCELLED_ITEMS_SHOWN,
  JOB_LIST_LIMIT,
  type CancelWrite,
  type ClaimedJobItem,
  type LeaseTerms,
  type StoreListQuery,
  type UnknownCancelClaim,
  type UploadStore,
} from './upload-store.ts';
import { describeAlertOutbox } from './alerts-contract.ts';
import { describeRetention, describeRetentionAtScale, type FillUploads } from './retention-contract.ts';

export interface OpenOptions {
  stuckRule: StuckRule;
  /** The test will close the store and call `reopen`: keep its data somewhere that survives that. */
  willReopen: boolean;
}

export interface OpenedStore {
  /** An empty store. The suite closes it. */
  store: UploadStore;
  /** Opens the same data again after `store` was closed; the suite closes what it returns. Without it, the reopen test is skipped. */
  reopen?: () => Promise<UploadStore>;
  /** Drops whatever `open` made (a file, a database), after the stores are closed. */
  cleanup?: () => Promise<void>;
  /** Writes uploads straight into the tables in one transaction (the retention test at scale needs 100,000 fast). */
  fill?: FillUploads;
}

export interface ContractOptions {
  /** Rows for the paging-at-scale tests (default 100,000), each recorded through recordUpload. */
  rowsAtScale?: number;
  /** Rows for the retention test at scale (default 100,000), written by `fill`. */
  retentionRowsAtScale?: number;
}

const NOW = 1_800_000_000;
/** Not the default threshold, so a store that ignores the rule it is given fails. */
const STUCK_AFTER = 900;
const RULE = createStuckRule(STUCK_AFTER);

function makeUpload(id: string, overrides: Partial<Upload> = {}): Upload {
  const created_at = overrides.created_at ?? NOW - 3000;
  return { id, object: 'upload', bytes: 1000, created_at, expires_at: created_at + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null, ...overrides };
}

const idOf = (i: number) => `upload_${String(i).padStart(5, '0')}`;

/** An audit entry as the cancel path writes it; previous_status is the store's to read. */
function cancelEntry(uploadId: string, overrides: Partial<CancelWrite['entry']> = {}): CancelWrite['entry'] {
  return { at: NOW, actor: 'alice', source: 'dashboard', upload_id: uploadId, reason: null, outcome: 'cancelled', upstream_status: 200, request_id: 'req_1', job_id: null, message: null, ...overrides };
}

/** Every page of a list, calling `between` (with the pages so far) before each next page is read. */
async function pagesOf(
  store: UploadStore,
  query: Omit<StoreListQuery, 'limit' | 'cursor'>,
  limit: number,
  now = NOW,
  between?: (pagesSoFar: readonly string[][]) => Promise<void>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listUploads({ ...query, limit, cursor }, now);
    pages.push(page.data.map((r) => r.upload.id));
    cursor = page.nextCursor ?? undefined;
    if (cursor && between) await between(pages);
  } while (cursor);
  return pages;
}

async function allIds(store: UploadStore, query: Omit<StoreListQuery, 'limit' | 'cursor'>, now = NOW): Promise<string[]> {
  return (await pagesOf(store, query, 7, now)).flat();
}

/** No id on two pages, and together the pages hold exactly `expected`. */
function expectDisjointAndComplete(pages: readonly string[][], expected: Iterable<string>) {
  const served = pages.flat();
  expect(new Set(served).size).toBe(served.length);
  expect([...served].sort()).toEqual([...expected].sort());
}

export function describeUploadStore(name: string, open: (options: OpenOptions) => Promise<OpenedStore>, options: ContractOptions = {}): void {
  describe(`UploadStore contract: ${name}`, () => {
    let opened: OpenedStore;
    let store: UploadStore;
    const fresh = () => {
      beforeEach(async () => {
        opened = await open({ stuckRule: RULE, willReopen: false });
        store = opened.store;
      });
      afterEach(async () => {
        await store.close();
        await opened.cleanup?.();
      });
    };

    describe('recording', () => {
      fresh();

      it('derives expired for a pending upload past expires_at, without changing the stored object', async () => {
        await store.recordUpload(makeUpload('upload_a', { created_at: NOW }), { at: NOW, via: 'create' });
        expect((await store.getUpload('upload_a', NOW + 3599))?.status).toBe('pending');
        const later = await store.getUpload('upload_a', NOW + 3600);
        expect(later?.status).toBe('expired');
        expect(later?.upload.status).toBe('pending');
      });

      it('counts each part once and tracks the last activity', async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create' });
        const part = { id: 'part_1', object: 'upload.part' as const, created_at: NOW + 1, upload_id: 'upload_a' };
        expect(await store.recordPart(part, 400, NOW + 60)).toMatchObject({ parts_count: 1, bytes_received: 400 });
        expect(await store.recordPart(part, 400, NOW + 61)).toBeNull();
        await store.recordPart({ ...part, id: 'part_2' }, 100, NOW + 120);
        expect(await store.getUpload('upload_a', NOW)).toMatchObject({ parts_count: 2, bytes_received: 500, last_activity_at: NOW + 120 });
      });

      it('counts parts seen before their upload once the upload is recorded', async () => {
        await store.recordPart({ id: 'part_1', object: 'upload.part', created_at: NOW, upload_id: 'upload_x' }, 250, NOW);
        await store.recordUpload(makeUpload('upload_x', { status: 'cancelled' }), { at: NOW + 5, via: 'cancel', actor: 'ops' });
        expect(await store.getUpload('upload_x', NOW)).toMatchObject({ parts_count: 1, bytes_received: 250, seen_via: 'cancel', first_seen_at: NOW + 5 });
      });

      it('never lets a stale pending object resurrect a finished upload', async () => {
        await store.recordUpload(makeUpload('upload_a', { status: 'cancelled' }), { at: NOW + 10, via: 'cancel', actor: 'ops' });
        const record = await store.recordUpload(makeUpload('upload_a'), { at: NOW + 20, via: 'create' });
        expect(record).toMatchObject({ status: 'cancelled', last_activity_at: NOW + 20 });
        expect((await store.getUpload('upload_a', NOW + 20))?.upload.status).toBe('cancelled');
      });

      it('records who cancelled and when, once', async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create' });
        await store.recordUpload(makeUpload('upload_a', { status: 'cancelled' }), { at: NOW + 30, via: 'cancel', actor: 'alice' });
        await store.recordUpload(makeUpload('upload_a', { status: 'cancelled' }), { at: NOW + 40, via: 'cancel', actor: 'bob' });
        expect(await store.getUpload('upload_a', NOW)).toMatchObject({ cancelled_by: 'alice', cancelled_at: NOW + 30, seen_via: 'create' });
      });

      it('keeps the completed File object', async () => {
        const file = { id: 'file-abc', object: 'file' as const, bytes: 1000, created_at: NOW + 9, filename: 'a.jsonl', purpose: 'batch', status: 'processed' };
        await store.recordUpload(makeUpload('upload_a', { status: 'completed', file }), { at: NOW + 9, via: 'complete' });
        const record = await store.getUpload('upload_a', NOW + 99_999);
        expect(record?.upload.file).toEqual(file);
        expect(record?.status).toBe('completed');
      });

      it('reads several uploads at once, leaving out the ones it does not know', async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create' });
        await store.recordUpload(makeUpload('upload_b'), { at: NOW, via: 'create' });
        const found = await store.getUploads(['upload_b', 'upload_missing', 'upload_a'], NOW);
        expect([...found.keys()].sort()).toEqual(['upload_a', 'upload_b']);
        expect(await store.getUpload('upload_missing', NOW)).toBeNull();
      });
    });

    describe('timeline', () => {
      fresh();

      it('tells what happened in plain words, in the order it was recorded', async () => {
        await store.recordUpload(makeUpload('upload_a', { bytes: 5000 }), { at: NOW, via: 'create', actor: 'client:etl' });
        await store.recordPart({ id: 'part_1', object: 'upload.part', created_at: NOW, upload_id: 'upload_a' }, 1234, NOW);
        await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'failed', upstream_status: 500, message: 'Server error' }), change: { kind: 'none' } });
        await store.recordUpload(makeUpload('upload_a', { status: 'cancelled' }), { at: NOW, via: 'cancel', actor: 'alice' });
        expect(await store.timeline('upload_a')).toEqual([
          { at: NOW, kind: 'created', actor: 'client:etl', message: 'Created by client:etl' },
          { at: NOW, kind: 'part', actor: null, message: 'Part part_1 received: 1,234 bytes' },
          { at: NOW, kind: 'cancel_attempt', actor: 'alice', message: 'Cancel by alice: it failed (Server error)' },
          { at: NOW, kind: 'cancelled', actor: 'alice', message: 'Cancelled by alice' },
        ]);
        expect(await store.timeline('upload_missing')).toEqual([]);
      });

      it('says how an upload first seen elsewhere was found', async () => {
        await store.recordUpload(makeUpload('upload_c', { status: 'completed' }), { at: NOW, via: 'complete' });
        await store.recordUpload(makeUpload('upload_x', { status: 'cancelled' }), { at: NOW, via: 'cancel', actor: 'bob' });
        expect((await store.timeline('upload_c')).map((e) => e.message)).toEqual(['First seen through a complete']);
        expect((await store.timeline('upload_x')).map((e) => e.message)).toEqual(['First seen through a cancel by id by bob']);
      });
    });

    describe('listing, filters and search', () => {
      fresh();
      beforeEach(async () => {
        // 60 uploads a second apart; every 10th cancelled; three purposes and three filename stems.
        for (let i = 0; i < 60; i++) {
          const created_at = NOW - 3000 + i;
          const upload = makeUpload(idOf(i), {
            created_at,
            bytes: 1000 + ((i * 37) % 11) * 100,
            filename: `${['alpha', 'beta', 'gamma'][i % 3]}-report-${i}.jsonl`,
            purpose: ['batch', 'fine-tune', 'vision'][i % 3]!,
            status: i % 10 === 0 ? 'cancelled' : 'pending',
          });
          await store.recordUpload(upload, { at: created_at, via: 'create' });
        }
      });

      it('pages newest first by default, without gaps or duplicates', async () => {
        const pages = await pagesOf(store, {}, 4);
        expect(pages).toHaveLength(15);
        expectDisjointAndComplete(pages, Array.from({ length: 60 }, (_, i) => idOf(i)));
        expect(pages[0]![0]).toBe(idOf(59));
        expect(pages.at(-1)!.at(-1)).toBe(idOf(0));
      });

      it('says no more pages when the last one is exactly full', async () => {
        const page = await store.listUploads({ limit: 60 }, NOW);
        expect(page.data).toHaveLength(60);
        expect(page.nextCursor).toBeNull();
      });

      it('filters by purpose, by age, and by several filters at once', async () => {
        expect(await allIds(store, { purpose: 'vision' })).toHaveLength(20);
        expect(await allIds(store, { older_than: 3000 - 9 })).toHaveLength(10); // created NOW-3000 .. NOW-2991
        expect(await allIds(store, { newer_than: 3000 - 50 })).toHaveLength(10); // created NOW-2950 .. NOW-2941
        expect((await allIds(store, { status: 'cancelled', purpose: 'batch' })).sort()).toEqual([idOf(0), idOf(30)]);
      });

      it('filters by a created-time window, start included and end not, for the list, the counts and the pending ids alike', async () => {
        const window = { created_after: NOW - 3000 + 10, created_before: NOW - 3000 + 20 };
        expect((await allIds(store, window)).sort()).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(idOf));
        expect(await allIds(store, { created_after: NOW - 3000 + 55 })).toEqual([59, 58, 57, 56, 55].map(idOf));
        expect(await allIds(store, { created_before: NOW - 3000 + 2 })).toEqual([1, 0].map(idOf));
        expect(await allIds(store, { created_after: NOW, created_before: NOW - 3000 })).toEqual([]);
        expect(await store.countMatching(window, NOW)).toEqual({ cancellable: 9, skipped: 1 }); // 10 is cancelled
        expect(await store.pendingIdsMatching({ ...window, purpose: 'batch' }, NOW, 100)).toEqual([18, 15, 12].map(idOf));
      });

      it('filters by effective status: a pending upload past its expiry is expired', async () => {
        const now = NOW + 600 + 10; // the uploads created at NOW-3000 .. NOW-2990 have expired
        const expired = await allIds(store, { status: 'expired' }, now);
        expect(expired.sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(idOf));
        const pending = await allIds(store, { status: 'pending' }, now);
        expect(pending).toHaveLength(60 - 6 - 9); // six cancelled, nine expired
        expect(pending).not.toContain(idOf(5));
      });

      it('finds filename substrings of any length, ignoring case', async () => {
        expect(await allIds(store, { q: 'GAMMA-rep' })).toHaveLength(20);
        expect(await allIds(store, { q: 'report-4' })).toEqual(expect.arrayContaining([idOf(4), idOf(40), idOf(49)]));
        expect(await allIds(store, { q: 'report-4' })).toHaveLength(11);
        // Shorter than three characters: the same meaning.
        const short = await allIds(store, { q: 'a-' });
        expect(short).toHaveLength(60); // alpha-, beta-, gamma-
        expect(await allIds(store, { q: 'A-' })).toEqual(short);
        expect(await allIds(store, { q: '59' })).toEqual([idOf(59)]);
        expect(await allIds(store, { q: 'nothing like it' })).toEqual([]);
      });

      it('pages a filename search newest first in (created_at, id) order, uploads of the same second and recorded in any order included', async () => {
        // Five uploads a second over six seconds, recorded out of order: neither the order of
        // recording nor an id's place within its second follows the list's order.
        const recorded = Array.from({ length: 30 }, (_, i) => ({ id: `upload_tie${String((i * 7) % 30).padStart(2, '0')}`, created_at: NOW - 100 + (i % 6) }));
        for (const { id, created_at } of recorded) await store.recordUpload(makeUpload(id, { created_at, filename: `tied-${id}.jsonl` }), { at: created_at, via: 'create' });
        const expected = [...recorded].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1)).map((u) => u.id);
        for (const limit of [1, 4, 5, 7, 30]) expect((await pagesOf(store, { q: 'tied-upload' }, limit)).flat(), `limit ${limit}`).toEqual(expected);
      });

      it('finds uploads created at the epoch too (the lowest created_at the search index keys)', async () => {
        for (const id of ['upload_epoch0', 'upload_epoch1']) await store.recordUpload(makeUpload(id, { created_at: 0, filename: `epoch-${id}.jsonl` }), { at: NOW, via: 'create' });
        expect(await allIds(store, { q: 'epoch-upload' })).toEqual(['upload_epoch1', 'upload_epoch0']);
      });

      it('finds an id or an id prefix', async () => {
        expect(await allIds(store, { q: idOf(5).slice(0, -1) })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map(idOf));
        expect(await allIds(store, { q: idOf(42) })).toEqual([idOf(42)]);
        expect(await allIds(store, { q: 'upload_9' })).toEqual([]);
      });

      it('takes quotes and LIKE wildcards in a search literally', async () => {
        await store.recordUpload(makeUpload('upload_odd', { filename: 'say "hi" 100%_done\\x.jsonl' }), { at: NOW, via: 'create' });
        for (const q of ['%', '_', '\\', '%_', '"', '"hi"', '0%_d', 'e\\x', '"hi" 1']) {
          expect(await allIds(store, { q }), q).toEqual(['upload_odd']);
        }
        for (const q of ['%%', 'a%e', 'r_p', '" OR "', 'hi NOT say', '*']) expect(await allIds(store, { q }), q).toEqual([]);
      });

      it('rejects a cursor it did not issue, or one for another sort', async () => {
        await expect(store.listUploads({ limit: 5, cursor: 'not-a-cursor' }, NOW)).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listUploads({ limit: 5, cursor: Buffer.from("1:x' OR 1=1").toString('base64url') }, NOW)).rejects.toBeInstanceOf(InvalidCursorError);
        const page = await store.listUploads({ sort: 'bytes', order: 'asc', limit: 5 }, NOW);
        const other = store.listUploads({ sort: 'created_at', order: 'desc', limit: 5, cursor: page.nextCursor! }, NOW);
        await expect(other).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listUploads({ sort: 'bytes', order: 'desc', limit: 5, cursor: page.nextCursor! }, NOW)).rejects.toThrow(/different sort/);
      });

      it('lists the pending ids a filter matches, newest first, up to a limit', async () => {
        const vision = await store.pendingIdsMatching({ purpose: 'vision' }, NOW, 100);
        expect(vision).toHaveLength(18); // 20 vision uploads, two of them (20, 50) cancelled
        expect(vision.slice(0, 3)).toEqual([idOf(59), idOf(56), idOf(53)]);
        expect(await store.pendingIdsMatching({ purpose: 'vision' }, NOW, 2)).toEqual([idOf(59), idOf(56)]);
        expect(await store.pendingIdsMatching({ status: 'cancelled' }, NOW, 100)).toEqual([]);
        expect(await store.pendingIdsMatching({ status: 'pending', q: 'report-5' }, NOW, 100)).toHaveLength(10); // 5, 51..59; 50 is cancelled
      });

      it('counts what a filter matches, split into cancellable and the rest', async () => {
        expect(await store.countMatching({}, NOW)).toEqual({ cancellable: 54, skipped: 6 });
        expect(await store.countMatching({ purpose: 'batch' }, NOW)).toEqual({ cancellable: 18, skipped: 2 });
        expect(await store.countMatching({ status: 'cancelled' }, NOW)).toEqual({ cancellable: 0, skipped: 6 });
        expect(await store.countMatching({ q: 'nothing like it' }, NOW)).toEqual({ cancellable: 0, skipped: 0 });
        // Expired by now: no longer cancellable.
        expect(await store.countMatching({ older_than: 3601 }, NOW + 610)).toEqual({ cancellable: 0, skipped: 10 });
      });
    });

    describe('clients (owners)', () => {
      fresh();
      const teamA = { name: 'team-a', sdk: 'node 6.49.0' };
      const teamB = { name: 'team-b', sdk: 'python 1.109.1' };

      it('records the creating client, keeps it against later clients, and fills it when first seen without one', async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create', client: teamA });
        await store.recordPart({ id: 'part_1', object: 'upload.part', created_at: NOW, upload_id: 'upload_a' }, 10, NOW + 1);
        await store.recordUpload(makeUpload('upload_a', { status: 'completed' }), { at: NOW + 2, via: 'complete', client: teamB });
        expect((await store.getUpload('upload_a', NOW))?.client).toEqual(teamA);
        // First seen through an operator's cancel by id (no client): a client's answer seen later fills it in.
        await store.recordCancelOutcome({ entry: cancelEntry('upload_b', { source: 'by_id' }), change: { kind: 'object', upload: makeUpload('upload_b', { status: 'cancelled' }) } });
        expect((await store.getUpload('upload_b', NOW))?.client).toBeNull();
        await store.recordUpload(makeUpload('upload_b'), { at: NOW + 3, via: 'create', client: teamB });
        expect(await store.getUpload('upload_b', NOW)).toMatchObject({ status: 'cancelled', client: teamB });
        // First seen through a complete that named its client; software unknown stays null.
        await store.recordUpload(makeUpload('upload_c', { status: 'completed' }), { at: NOW, via: 'complete', client: { name: 'ingest-bot', sdk: null } });
        expect((await store.getUpload('upload_c', NOW))?.client).toEqual({ name: 'ingest-bot', sdk: null });
        expect((await store.listUploads({ limit: 10 }, NOW)).data.map((r) => [r.upload.id, r.client?.name ?? null])).toEqual([
          ['upload_c', 'ingest-bot'],
          ['upload_b', 'team-b'],
          ['upload_a', 'team-a'],
        ]);
      });

      it("copies the upload's client onto each audit entry, and a client's cancel of an unseen upload makes it that client's", async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create', client: teamA });
        const failed = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'failed', upstream_status: 500 }), change: { kind: 'none' } });
        expect(failed?.audit.client).toEqual(teamA);
        // Another client cancels it: the owner stays, and the entry names the owner.
        const byB = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { actor: 'client:team-b', source: 'pass_through' }), change: { kind: 'object', upload: makeUpload('upload_a', { status: 'cancelled' }) }, client: teamB });
        expect(byB).toMatchObject({ record: { client: teamA }, audit: { client: teamA } });
        const unseen = await store.recordCancelOutcome({ entry: cancelEntry('upload_new', { actor: 'client:team-b', source: 'pass_through' }), change: { kind: 'object', upload: makeUpload('upload_new', { status: 'cancelled' }) }, client: teamB });
        expect(unseen).toMatchObject({ record: { client: teamB, seen_via: 'cancel' }, audit: { client: teamB } });
        const unknown = await store.recordCancelOutcome({ entry: cancelEntry('upload_zzz', { outcome: 'not_found', upstream_status: 404 }), change: { kind: 'none' } });
        expect(unknown?.audit.client).toBeNull();
        const listed = (await store.listAudit({ limit: 10 })).data.map((a) => [a.upload_id, a.client]);
        expect(listed).toEqual([
          ['upload_zzz', null],
          ['upload_new', teamB],
          ['upload_a', teamA],
          ['upload_a', teamA],
        ]);
      });

      it('filters by client with keyset paging in every sort, and in the bulk-cancel counts', async () => {
        const clients = [teamA, teamB, { name: 'ingest-bot', sdk: 'curl/7.88.1' }, null];
        for (let i = 0; i < 48; i++) {
          const created_at = NOW - 3000 + Math.floor(i / 3); // ties on created_at, so the id decides
          await store.recordUpload(makeUpload(idOf(i), { created_at, bytes: 1000 + (i % 5) * 10, status: i % 8 === 0 ? 'cancelled' : 'pending' }), {
            at: created_at,
            via: 'create',
            client: clients[i % 4],
          });
        }
        const teamAIds = Array.from({ length: 12 }, (_, k) => idOf(k * 4));
        for (const sort of SORT_FIELDS) {
          for (const order of ['asc', 'desc'] as const) {
            const pages = await pagesOf(store, { client: 'team-a', sort, order }, 5);
            expect(pages.length, `${sort} ${order}`).toBe(3);
            expectDisjointAndComplete(pages, teamAIds);
          }
        }
        expect((await pagesOf(store, { client: 'team-a' }, 5)).flat()).toEqual([...teamAIds].reverse());
        expect(await allIds(store, { client: 'team-a', status: 'cancelled' })).toEqual([40, 32, 24, 16, 8, 0].map(idOf));
        expect(await allIds(store, { client: 'nobody' })).toEqual([]);
        expect(await store.countMatching({ client: 'team-a' }, NOW)).toEqual({ cancellable: 6, skipped: 6 });
        expect(await store.pendingIdsMatching({ client: 'team-b' }, NOW, 3)).toEqual([idOf(45), idOf(41), idOf(37)]);
      });

      it('counts each client: pending (not lapsed), stuck and total, by name', async () => {
        // team-a: one stuck (idle since created), one fresh, one cancelled, one lapsed.
        await store.recordUpload(makeUpload(idOf(1), { created_at: NOW - STUCK_AFTER - 5 }), { at: NOW - STUCK_AFTER - 5, via: 'create', client: teamA });
        await store.recordUpload(makeUpload(idOf(2), { created_at: NOW - 5 }), { at: NOW - 5, via: 'create', client: teamA });
        await store.recordUpload(makeUpload(idOf(3), { status: 'cancelled' }), { at: NOW, via: 'cancel', client: teamA });
        await store.recordUpload(makeUpload(idOf(4), { created_at: NOW - 4000 }), { at: NOW - 4000, via: 'create', client: teamA });
        await store.recordUpload(makeUpload(idOf(5), { status: 'completed' }), { at: NOW, via: 'complete', client: { name: 'ingest-bot', sdk: null } });
        await store.recordUpload(makeUpload(idOf(6)), { at: NOW, via: 'create' }); // no client: not counted
        expect(await store.countByClient(NOW)).toEqual([
          { name: 'ingest-bot', pending: 0, stuck: 0, total: 1 },
          { name: 'team-a', pending: 2, stuck: 1, total: 4 },
        ]);
        expect(await store.countByClient(NOW - 10_000)).toEqual([
          { name: 'ingest-bot', pending: 0, stuck: 0, total: 1 },
          { name: 'team-a', pending: 3, stuck: 0, total: 4 },
        ]);
      });
      it('keeps client totals exact through inserts, owners filled in later, and retention purges', async () => {
        // The oracle: every upload the list serves, grouped by its client's name.
        const listedTotals = async () => {
          const totals = new Map<string, number>();
          for (const record of (await store.listUploads({ limit: 200 }, NOW)).data) {
            if (record.client) totals.set(record.client.name, (totals.get(record.client.name) ?? 0) + 1);
          }
          return [...totals].sort(([a], [b]) => (a < b ? -1 : 1));
        };
        const countedTotals = async () => (await store.countByClient(NOW)).map((c) => [c.name, c.total] as const);
        const expectExact = async (why: string) => expect(await countedTotals(), why).toEqual(await listedTotals());

        const owners = [teamA, teamB, { name: 'ingest-bot', sdk: null }, null];
        const statuses = ['completed', 'cancelled', 'expired', 'pending'] as const;
        const old = NOW - 20_000;
        for (let i = 0; i < 24; i++) {
          // Old finished uploads (due for purging) and recent pending ones (kept), spread over every client.
          const status = statuses[i % 4]!;
          const at = status === 'pending' ? NOW - 10 : old + i;
          const upload = makeUpload(idOf(i), { status, created_at: status === 'pending' ? NOW - 100 : old - 4000 + i });
          await store.recordUpload(upload, { at, via: 'create', client: owners[Math.floor(i / 4) % 4] });
        }
        await expectExact('after inserts');
        // Uploads first seen without a client take one later (an owner filled in), finished or pending.
        for (const i of [12, 13, 15]) {
          const upload = makeUpload(idOf(i), { status: statuses[i % 4]!, created_at: i === 15 ? NOW - 100 : old - 4000 + i });
          await store.recordUpload(upload, { at: i === 15 ? NOW - 10 : old + i, via: 'complete', client: i === 13 ? { name: 'late-owner', sdk: null } : teamB });
        }
        expect(await countedTotals()).toContainEqual(['late-owner', 1]);
        await expectExact('after owners filled in');
        // Purged two at a time: exact after every batch; a client whose uploads are all gone leaves the list.
        let batches = 0;
        while ((await store.purgeFinishedUploads(NOW - 1000, 2)) > 0) {
          batches++;
          await expectExact(`after purge batch ${batches}`);
        }
        expect(batches).toBeGreaterThan(5);
        expect(await store.countByClient(NOW)).toEqual([
          { name: 'ingest-bot', pending: 1, stuck: 0, total: 1 },
          { name: 'team-a', pending: 2, stuck: 0, total: 2 },
          { name: 'team-b', pending: 3, stuck: 0, total: 3 },
        ]);
        // A client seen again after its uploads were purged counts from one.
        await store.recordUpload(makeUpload('upload_new', { created_at: NOW - 5 }), { at: NOW - 5, via: 'create', client: { name: 'late-owner', sdk: null } });
        await expectExact('after a purged client comes back');
        expect(await countedTotals()).toContainEqual(['late-owner', 1]);
      });
    });

    describe('sorting with keyset pagination', () => {
      fresh();
      const ids = Array.from({ length: 40 }, (_, i) => idOf(i));
      beforeEach(async () => {
        // Ties on every sort field, so the id tie-breaker matters.
        for (let i = 0; i < 40; i++) {
          const upload = makeUpload(idOf(i), { created_at: NOW - 1000 + Math.floor(i / 4), bytes: 1000 + (i % 3) * 100 });
          await store.recordUpload(upload, { at: NOW - 500 + (i % 5), via: 'create' });
        }
      });

      for (const sort of SORT_FIELDS) {
        for (const order of ['asc', 'desc'] as const) {
          it(`${sort} ${order}: every row once, in order, while other rows change status`, async () => {
            let step = 0;
            // A status change that leaves every sort value as it was (`at` is older than any activity).
            const cancelOne = async () => {
              const known = (await store.getUpload(idOf((step++ * 13 + 7) % 40), NOW))!;
              await store.recordUpload({ ...known.upload, status: 'cancelled' }, { at: NOW - 900, via: 'cancel', actor: 'ops' });
            };
            const pages = await pagesOf(store, { sort, order }, 6, NOW, cancelOne);
            expect(pages.length).toBeGreaterThan(1);
            expectDisjointAndComplete(pages, ids);
            const records = await store.getUploads(ids, NOW);
            const key = (id: string): [number, string] => [sortValue(records.get(id)!, sort), id];
            const served = pages.flat();
            for (let i = 1; i < served.length; i++) {
              const [a, aid] = key(served[i - 1]!);
              const [b, bid] = key(served[i]!);
              const inOrder = order === 'asc' ? a < b || (a === b && aid < bid) : a > b || (a === b && aid > bid);
              expect(inOrder, `${served[i - 1]} then ${served[i]}`).toBe(true);
            }
          });
        }
      }
    });

    describe('stuck', () => {
      fresh();

      it('idle: no part for the configured time', async () => {
        await store.recordUpload(makeUpload(idOf(1)), { at: NOW - STUCK_AFTER, via: 'create' });
        await store.recordUpload(makeUpload(idOf(2)), { at: NOW - STUCK_AFTER + 1, via: 'create' });
        const stuck = (await store.listUploads({ stuck: true, limit: 10 }, NOW)).data;
        expect(stuck.map((r) => r.upload.id)).toEqual([idOf(1)]);
        expect(stuck[0]!.stuck).toEqual({ reason: 'idle', message: 'No part received since it was created 15 min ago' });
        expect((await store.getUpload(idOf(2), NOW))?.stuck).toBeNull();
        expect((await store.listUploads({ stuck: false, limit: 10 }, NOW)).data.map((r) => r.upload.id)).toEqual([idOf(2)]);
        expect((await store.countByStatus(NOW)).stuck).toBe(1);
        expect(await store.countMatching({ stuck: true }, NOW)).toEqual({ cancellable: 1, skipped: 0 });
        expect(await store.pendingIdsMatching({ stuck: true }, NOW, 10)).toEqual([idOf(1)]);
      });

      it('too slow: at its pace it would not finish before it expires', async () => {
        // 1,000 of 100,000 bytes in the first 10 minutes: the rest needs ~16 h; it expires in 50 min.
        const slow = makeUpload(idOf(3), { bytes: 100_000, created_at: NOW - 600 });
        await store.recordUpload(slow, { at: NOW - 600, via: 'create' });
        await store.recordPart({ id: 'part_a', object: 'upload.part', created_at: NOW - 1, upload_id: slow.id }, 1000, NOW - 1);
        expect((await store.getUpload(slow.id, NOW))?.stuck?.reason).toBe('too_slow');
        expect((await store.listUploads({ stuck: true, limit: 10 }, NOW)).data.map((r) => r.upload.id)).toEqual([slow.id]);
      });

      it('only pending uploads are stuck: not finished ones, nor lapsed ones', async () => {
        await store.recordUpload(makeUpload(idOf(4), { status: 'cancelled' }), { at: NOW - 3000, via: 'cancel', actor: 'ops' });
        await store.recordUpload(makeUpload(idOf(5), { created_at: NOW - 4000 }), { at: NOW - 4000, via: 'create' });
        expect((await store.listUploads({ stuck: true, limit: 10 }, NOW)).data).toEqual([]);
        expect((await store.countByStatus(NOW)).stuck).toBe(0);
        expect((await store.getUpload(idOf(5), NOW))?.stuck).toBeNull();
      });

      it('the filter, the count and each record agree with the rule on any upload (property test)', async () => {
        let n = 0;
        let stuckSoFar = 0;
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
              const lastActivity = received > 0 ? created_at + Math.floor(age * activityShare) : created_at;
              const id = `upload_p${String(n++).padStart(6, '0')}`;
              await store.recordUpload(makeUpload(id, { bytes, created_at }), { at: created_at, via: 'create' });
              if (received > 0) await store.recordPart({ id: `part_${id}`, object: 'upload.part', created_at: lastActivity, upload_id: id }, received, lastActivity);
              const byRule = RULE.reason({ created_at, expires_at: created_at + 3600, bytes, bytes_received: received, last_activity_at: lastActivity }, NOW) !== null;
              if (byRule) stuckSoFar++;
              const inStuck = (await store.listUploads({ stuck: true, q: id, limit: 5 }, NOW)).data.length;
              const inNotStuck = (await store.listUploads({ stuck: false, q: id, limit: 5 }, NOW)).data.length;
              expect([inStuck, inNotStuck]).toEqual(byRule ? [1, 0] : [0, 1]);
              expect((await store.getUpload(id, NOW))!.stuck !== null).toBe(byRule);
              expect((await store.countByStatus(NOW)).stuck).toBe(stuckSoFar);
            },
          ),
          { numRuns: 200 },
        );
      });
    });

    describe('counts and expiry', () => {
      fresh();

      it('counts by effective status, lapsed-but-not-yet-swept uploads as expired', async () => {
        await store.recordUpload(makeUpload(idOf(1), { created_at: NOW - 4000 }), { at: NOW - 4000, via: 'create' });
        await store.recordUpload(makeUpload(idOf(2)), { at: NOW, via: 'create' });
        await store.recordUpload(makeUpload(idOf(3), { status: 'completed' }), { at: NOW, via: 'complete' });
        expect(await store.countByStatus(NOW)).toEqual({ pending: 1, expired: 1, completed: 1, cancelled: 0, stuck: 0 });
        expect(await store.countByStatus(NOW - 1000)).toMatchObject({ pending: 2, expired: 0 });
        await store.recordUpload(makeUpload(idOf(2), { status: 'cancelled' }), { at: NOW, via: 'cancel', actor: 'ops' });
        expect(await store.countByStatus(NOW)).toMatchObject({ pending: 0, expired: 1, completed: 1, cancelled: 1 });
      });

      it('sweeps lapsed uploads once, soonest expiry first, up to a limit', async () => {
        for (const [i, age] of [[1, 4000], [2, 5000], [3, 4500], [4, 100]] as const) {
          await store.recordUpload(makeUpload(idOf(i), { created_at: NOW - age }), { at: NOW - age, via: 'create' });
        }
        const first = await store.expireLapsed(NOW, 2);
        expect(first.map((r) => [r.upload.id, r.status, r.upload.status])).toEqual([
          [idOf(2), 'expired', 'expired'],
          [idOf(3), 'expired', 'expired'],
        ]);
        expect((await store.expireLapsed(NOW, 100)).map((r) => r.upload.id)).toEqual([idOf(1)]);
        expect(await store.expireLapsed(NOW, 100)).toEqual([]);
        expect(await store.countByStatus(NOW)).toMatchObject({ pending: 1, expired: 3 });
        expect(await store.timeline(idOf(1))).toEqual([
          { at: NOW - 4000, kind: 'created', actor: null, message: 'Created' },
          { at: NOW - 4000 + 3600, kind: 'expired', actor: null, message: 'Expired: an hour passed without completion' },
        ]);
      });

      it('leaves an upload whose cancel outcome is unknown for the reconciler', async () => {
        await store.recordUpload(makeUpload(idOf(1), { created_at: NOW - 4000 }), { at: NOW - 4000, via: 'create' });
        await store.recordCancelOutcome({ entry: cancelEntry(idOf(1), { at: NOW - 3000, outcome: 'unknown', upstream_status: null }), change: { kind: 'mark_unknown' } });
        expect(await store.expireLapsed(NOW, 100)).toEqual([]);
        expect(await store.cancelsWithUnknownOutcome(10)).toEqual([idOf(1)]);
      });

      it('a filter with cancel_unknown: false leaves out uploads whose cancel outcome is unknown', async () => {
        for (const n of [1, 2]) await store.recordUpload(makeUpload(idOf(n), { created_at: NOW - 400 + n }), { at: NOW - 400 + n, via: 'create' });
        await store.recordCancelOutcome({ entry: cancelEntry(idOf(1), { at: NOW - 300, outcome: 'unknown', upstream_status: null }), change: { kind: 'mark_unknown' } });
        expect(await store.pendingIdsMatching({ status: 'pending' }, NOW, 10)).toEqual([idOf(2), idOf(1)]);
        expect(await store.pendingIdsMatching({ status: 'pending', cancel_unknown: false }, NOW, 10)).toEqual([idOf(2)]);
        expect(await store.countMatching({ cancel_unknown: false }, NOW)).toEqual({ cancellable: 1, skipped: 0 });
        expect((await store.listUploads({ limit: 10, cancel_unknown: false }, NOW)).data.map((r) => r.upload.id)).toEqual([idOf(2)]);
      });
    });

    describe('activity buckets', () => {
      fresh();

      /** Records an upload created at `created_at` (its last activity then too) with a status. */
      const recordAt = (id: string, created_at: number, status: Upload['status']) =>
        store.recordUpload(makeUpload(id, { created_at, status }), { at: created_at, via: status === 'pending' ? 'create' : 'complete' });

      beforeEach(async () => {
        await recordAt('upload_lapsed', NOW - 3700, 'pending'); // past its hour, not swept: expired
        await recordAt('upload_done', NOW - 3650, 'completed');
        await recordAt('upload_idle', NOW - 1100, 'pending'); // nothing for 1,100 s ≥ 900: stuck
        await recordAt('upload_busy', NOW - 1000, 'pending');
        await store.recordPart({ id: 'part_busy', object: 'upload.part', created_at: NOW - 100, upload_id: 'upload_busy' }, 900, NOW - 100);
        await recordAt('upload_gone', NOW - 50, 'pending');
        await store.recordUpload(makeUpload('upload_gone', { created_at: NOW - 50, status: 'cancelled' }), { at: NOW - 40, via: 'cancel', actor: 'ops' });
        await recordAt('upload_old', NOW - 8000, 'completed');
      });

      const counts = (partial: Partial<Record<'pending' | 'completed' | 'cancelled' | 'expired' | 'stuck', number>>) => ({
        pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0, ...partial,
      });

      it('counts uploads created per 5-minute bucket by effective status, stuck as part of pending, only buckets with uploads', async () => {
        const buckets = await store.activityBuckets({ from: NOW - 3900, to: NOW + 300, bucketSeconds: 300 }, NOW);
        expect(Object.fromEntries([...buckets].sort(([a], [b]) => a - b))).toEqual({
          [NOW - 3900]: counts({ expired: 1, completed: 1 }),
          [NOW - 1200]: counts({ pending: 2, stuck: 1 }),
          [NOW - 300]: counts({ cancelled: 1 }),
        });
      });

      it('sums hourly and 6-hourly buckets, and leaves out what was created outside the range', async () => {
        const hourly = await store.activityBuckets({ from: NOW - 7200, to: NOW + 3600, bucketSeconds: 3600 }, NOW);
        expect(Object.fromEntries(hourly)).toEqual({
          [NOW - 7200]: counts({ expired: 1, completed: 1 }),
          [NOW - 3600]: counts({ pending: 2, stuck: 1, cancelled: 1 }),
        });
        // NOW - 7200 is a multiple of 6 hours.
        const sixHourly = await store.activityBuckets({ from: NOW - 7200 - 21_600, to: NOW - 7200 + 21_600, bucketSeconds: 21_600 }, NOW);
        expect(Object.fromEntries(sixHourly)).toEqual({
          [NOW - 7200 - 21_600]: counts({ completed: 1 }),
          [NOW - 7200]: counts({ pending: 2, stuck: 1, cancelled: 1, expired: 1, completed: 1 }),
        });
      });

      it('follows the time and every change of status: swept, completed or lapsed, an upload moves', async () => {
        const range = { from: NOW - 3600, to: NOW + 3600, bucketSeconds: 3600 };
        // Five minutes earlier the lapsed one was still pending (idle, so stuck), the idle one not idle long enough yet.
        expect(Object.fromEntries(await store.activityBuckets({ from: NOW - 7200, to: NOW, bucketSeconds: 3600 }, NOW - 300))).toEqual({
          [NOW - 7200]: counts({ pending: 1, stuck: 1, completed: 1 }),
          [NOW - 3600]: counts({ pending: 2, cancelled: 1 }),
        });
        expect((await store.expireLapsed(NOW, 10)).map((r) => r.upload.id)).toEqual(['upload_lapsed']);
        expect(Object.fromEntries(await store.activityBuckets({ from: NOW - 7200, to: NOW - 3600, bucketSeconds: 3600 }, NOW))).toEqual({
          [NOW - 7200]: counts({ expired: 1, completed: 1 }),
        });
        await store.recordUpload(makeUpload('upload_idle', { created_at: NOW - 1100, status: 'completed' }), { at: NOW, via: 'complete' });
        expect(Object.fromEntries(await store.activityBuckets(range, NOW))).toEqual({ [NOW - 3600]: counts({ pending: 1, completed: 1, cancelled: 1 }) });
        // An hour later, the last pending one has lapsed.
        expect(Object.fromEntries(await store.activityBuckets(range, NOW + 3000))).toEqual({ [NOW - 3600]: counts({ expired: 1, completed: 1, cancelled: 1 }) });
      });

      it('refuses a range that is not whole buckets', async () => {
        await expect(store.activityBuckets({ from: NOW - 100, to: NOW, bucketSeconds: 300 }, NOW)).rejects.toThrow(TypeError);
        await expect(store.activityBuckets({ from: NOW - 700, to: NOW, bucketSeconds: 700 }, NOW)).rejects.toThrow(TypeError);
      });
    });

    describe('recordCancelOutcome', () => {
      fresh();
      beforeEach(async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW - 100, via: 'create' });
      });

      it('object: records the returned upload as cancelled by the actor, and the audit entry with the status before', async () => {
        const written = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { reason: 'runaway job' }), change: { kind: 'object', upload: makeUpload('upload_a', { status: 'cancelled' }) } });
        expect(written?.changed).toBe(true);
        expect(written?.record).toMatchObject({ status: 'cancelled', cancelled_by: 'alice', cancelled_at: NOW, seen_via: 'create' });
        expect(written?.audit).toMatchObject({ action: 'cancel', upload_id: 'upload_a', filename: 'upload_a.jsonl', previous_status: 'pending', outcome: 'cancelled', reason: 'runaway job', request_id: 'req_1' });
        expect((await store.listAudit({ limit: 10 })).data).toEqual([written!.audit]);
        expect((await store.timeline('upload_a')).map((e) => e.kind)).toEqual(['created', 'cancelled']);
      });

      it('object: an upload it has never seen is recorded as found through a cancel', async () => {
        const written = await store.recordCancelOutcome({ entry: cancelEntry('upload_new', { source: 'by_id' }), change: { kind: 'object', upload: makeUpload('upload_new', { status: 'cancelled' }) } });
        expect(written).toMatchObject({ changed: true, record: { seen_via: 'cancel', cancelled_by: 'alice', status: 'cancelled' }, audit: { previous_status: null, filename: 'upload_new.jsonl' } });
      });

      it('audits the source for an unseen upload only when the store has never seen it', async () => {
        const unseen = await store.recordCancelOutcome({ entry: cancelEntry('upload_new'), change: { kind: 'object', upload: makeUpload('upload_new', { status: 'cancelled' }) }, sourceIfUnseen: 'by_id' });
        expect(unseen?.audit).toMatchObject({ source: 'by_id', previous_status: null });
        const seen = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'failed' }), change: { kind: 'none' }, sourceIfUnseen: 'by_id' });
        expect(seen?.audit).toMatchObject({ source: 'dashboard', previous_status: 'pending' });
        expect((await store.listAudit({ source: 'by_id', limit: 10 })).data.map((a) => a.upload_id)).toEqual(['upload_new']);
      });

      it('object: a second cancel of a cancelled upload changes nothing, but is audited', async () => {
        const cancelled = makeUpload('upload_a', { status: 'cancelled' });
        await store.recordCancelOutcome({ entry: cancelEntry('upload_a'), change: { kind: 'object', upload: cancelled } });
        const again = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { actor: 'bob', at: NOW + 5 }), change: { kind: 'object', upload: cancelled } });
        expect(again).toMatchObject({ changed: false, record: { cancelled_by: 'alice', cancelled_at: NOW }, audit: { previous_status: 'cancelled', actor: 'bob' } });
        expect((await store.listAudit({ limit: 10 })).data).toHaveLength(2);
      });

      it('status: a refusal because it already finished records that status, once', async () => {
        const entry = cancelEntry('upload_a', { outcome: 'already_finished', upstream_status: 400, message: 'Already completed' });
        const written = await store.recordCancelOutcome({ entry, change: { kind: 'status', status: 'completed' } });
        expect(written).toMatchObject({ changed: true, record: { status: 'completed', upload: { status: 'completed' }, last_activity_at: NOW }, audit: { previous_status: 'pending', outcome: 'already_finished' } });
        const again = await store.recordCancelOutcome({ entry, change: { kind: 'status', status: 'cancelled' } });
        expect(again).toMatchObject({ changed: false, record: { status: 'completed' }, audit: { previous_status: 'completed' } });
        expect((await store.timeline('upload_a')).slice(1).map((e) => [e.kind, e.message])).toEqual([
          ['completed', 'Completed'],
          ['cancel_attempt', 'Cancel by alice: it had already finished (Already completed)'],
          ['cancel_attempt', 'Cancel by alice: it had already finished (Already completed)'],
        ]);
        expect(await store.countByStatus(NOW)).toMatchObject({ pending: 0, completed: 1 });
      });

      it('mark_unknown: marks a pending upload once, keeping when the doubt began; clear_unknown settles it', async () => {
        const unknown = (at: number) => cancelEntry('upload_a', { at, outcome: 'unknown', upstream_status: null, message: 'timed out' });
        await store.recordUpload(makeUpload('upload_b'), { at: NOW - 100, via: 'create' });
        const first = await store.recordCancelOutcome({ entry: unknown(NOW), change: { kind: 'mark_unknown' } });
        expect(first).toMatchObject({ changed: true, record: { status: 'pending', cancel_outcome_unknown: true }, audit: { outcome: 'unknown', previous_status: 'pending' } });
        await store.recordCancelOutcome({ entry: { ...unknown(NOW + 1), upload_id: 'upload_b' }, change: { kind: 'mark_unknown' } });
        const second = await store.recordCancelOutcome({ entry: unknown(NOW + 2), change: { kind: 'mark_unknown' } });
        expect(second?.changed).toBe(false);
        expect(await store.cancelsWithUnknownOutcome(10)).toEqual(['upload_a', 'upload_b']); // oldest doubt first
        expect(await store.cancelsWithUnknownOutcome(1)).toEqual(['upload_a']);

        const cleared = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { source: 'reconcile', outcome: 'not_found', upstream_status: 404 }), change: { kind: 'clear_unknown' } });
        expect(cleared).toMatchObject({ changed: true, record: { status: 'pending', cancel_outcome_unknown: false } });
        expect(await store.cancelsWithUnknownOutcome(10)).toEqual(['upload_b']);
        const clearedAgain = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'not_found' }), change: { kind: 'clear_unknown' } });
        expect(clearedAgain?.changed).toBe(false);
      });

      it('mark_unknown: an upload that is no longer pending is not marked', async () => {
        await store.recordUpload(makeUpload('upload_a', { status: 'completed' }), { at: NOW - 50, via: 'complete' });
        const written = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'unknown' }), change: { kind: 'mark_unknown' } });
        expect(written).toMatchObject({ changed: false, record: { status: 'completed', cancel_outcome_unknown: false } });
        expect(await store.cancelsWithUnknownOutcome(10)).toEqual([]);
      });

      it('an Upload object settles an earlier doubt', async () => {
        await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'unknown' }), change: { kind: 'mark_unknown' } });
        const written = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { source: 'reconcile' }), change: { kind: 'object', upload: makeUpload('upload_a', { status: 'cancelled' }) } });
        expect(written).toMatchObject({ changed: true, record: { status: 'cancelled', cancel_outcome_unknown: false } });
        expect(await store.cancelsWithUnknownOutcome(10)).toEqual([]);
      });

      it('none: audits and answers with the upload as it is', async () => {
        const written = await store.recordCancelOutcome({ entry: cancelEntry('upload_a', { outcome: 'failed', upstream_status: 429, message: 'Rate limit reached' }), change: { kind: 'none' } });
        expect(written).toMatchObject({ changed: false, record: { status: 'pending', upload: { id: 'upload_a' } }, audit: { previous_status: 'pending', outcome: 'failed', upstream_status: 429, filename: 'upload_a.jsonl' } });
        const unseen = await store.recordCancelOutcome({ entry: cancelEntry('upload_zzz', { outcome: 'not_found', upstream_status: 404 }), change: { kind: 'none' } });
        expect(unseen).toMatchObject({ changed: false, record: null, audit: { previous_status: null, filename: null, upload_id: 'upload_zzz' } });
        expect(await store.getUpload('upload_zzz', NOW)).toBeNull();
        // The attempt is in the audit log; a timeline is only shown for a recorded upload, and no purge would ever remove this one's.
        expect(await store.timeline('upload_zzz')).toEqual([]);
        expect((await store.listAudit({ limit: 10, upload_id: 'upload_zzz' })).data.map((a) => a.outcome)).toEqual(['not_found']);
      });

      it('a bulk item is settled once: a second write for it writes nothing at all', async () => {
        await store.createJob({ id: 'job_1', created_by: 'alice', created_at: NOW, reason: null }, ['upload_a']);
        const entry = cancelEntry('upload_a', { source: 'bulk', job_id: 'job_1' });
        const first = await store.recordCancelOutcome({ entry, change: { kind: 'object', upload: makeUpload('upload_a', { status: 'cancelled' }) }, jobItem: { seq: 1 } });
        expect(first?.audit.job_id).toBe('job_1');
        const second = await store.recordCancelOutcome({ entry: { ...entry, outcome: 'failed', actor: 'bob' }, change: { kind: 'status', status: 'completed' }, jobItem: { seq: 1 } });
        expect(second).toBeNull();
        expect((await store.getUpload('upload_a', NOW))?.status).toBe('cancelled');
        expect((await store.listAudit({ limit: 10 })).data.map((a) => a.actor)).toEqual(['alice']);
        expect((await store.timeline('upload_a')).map((e) => e.kind)).toEqual(['created', 'cancelled']);
        const job = await store.getJob('job_1', true);
        expect(job?.progress).toMatchObject({ pending: 0, cancelled: 1 });
        expect(job?.items).toEqual([{ upload_id: 'upload_a', outcome: 'cancelled', message: null, upstream_status: 200 }]);
      });

      it('keeps nothing when the write fails part-way: no status change, no audit entry, the item still to do', async () => {
        await store.createJob({ id: 'job_1', created_by: 'alice', created_at: NOW, reason: null }, ['upload_a']);
        // A store refuses an audit entry without an actor; the job item and the upload's change,
        // written in the same transaction, must go with it.
        const entry = { ...cancelEntry('upload_a', { source: 'bulk', job_id: 'job_1' }), actor: null as unknown as string };
        for (const change of [{ kind: 'object', upload: makeUpload('upload_a', { status: 'cancelled' }) }, { kind: 'status', status: 'completed' }, { kind: 'mark_unknown' }] as const) {
          await expect(store.recordCancelOutcome({ entry, change, jobItem: { seq: 1 } }), change.kind).rejects.toThrow();
        }
        expect(await store.getUpload('upload_a', NOW)).toMatchObject({ status: 'pending', cancelled_by: null, cancel_outcome_unknown: false });
        expect((await store.listAudit({ limit: 10 })).data).toEqual([]);
        expect(await store.jobItemsToDo('job_1', 0, 10)).toEqual([{ seq: 1, upload_id: 'upload_a' }]);
        expect((await store.timeline('upload_a')).map((e) => e.kind)).toEqual(['created']);
        expect(await store.countByStatus(NOW)).toMatchObject({ pending: 1, cancelled: 0, completed: 0 });
      });
    });

    describe('audit log', () => {
      fresh();
      beforeEach(async () => {
        await store.recordUpload(makeUpload('upload_a'), { at: NOW - 100, via: 'create' });
        const outcomes = ['cancelled', 'failed', 'not_found'] as const;
        for (let i = 0; i < 12; i++) {
          const entry = cancelEntry(i % 2 ? 'upload_a' : 'upload_gone', { at: NOW + i, actor: i % 3 ? 'alice' : 'bob', outcome: outcomes[i % 3]!, source: i % 4 ? 'dashboard' : 'api' });
          await store.recordCancelOutcome({ entry, change: { kind: 'none' } });
        }
      });

      it('pages newest first with a cursor, without gaps or duplicates', async () => {
        const pages: number[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listAudit({ limit: 5, cursor });
          pages.push(page.data.map((a) => a.at));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
        expect(pages.flat()).toEqual(Array.from({ length: 12 }, (_, i) => NOW + 11 - i));
      });

      it('filters by actor, outcome, source and upload', async () => {
        expect((await store.listAudit({ actor: 'bob', limit: 50 })).data.map((a) => a.at - NOW)).toEqual([9, 6, 3, 0]);
        expect((await store.listAudit({ outcome: 'failed', limit: 50 })).data.map((a) => a.at - NOW)).toEqual([10, 7, 4, 1]);
        expect((await store.listAudit({ source: 'api', limit: 50 })).data.map((a) => a.at - NOW)).toEqual([8, 4, 0]);
        const forA = (await store.listAudit({ upload_id: 'upload_a', actor: 'alice', limit: 50 })).data;
        expect(forA.map((a) => a.at - NOW)).toEqual([11, 7, 5, 1]);
        expect(forA.every((a) => a.filename === 'upload_a.jsonl')).toBe(true);
        expect((await store.listAudit({ upload_id: 'upload_gone', limit: 1 })).data[0]).toMatchObject({ filename: null, previous_status: null });
      });

      it('rejects a cursor it did not issue', async () => {
        await expect(store.listAudit({ limit: 5, cursor: 'abc' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listAudit({ limit: 5, cursor: '1 OR 1=1' })).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe('bulk cancel jobs', () => {
      fresh();
      const job = (id: string, created_at: number) => ({ id, created_by: 'alice', created_at, reason: 'cleanup' });

      it('keeps the items to do in order, and settles each once', async () => {
        const created = await store.createJob(job('job_1', NOW), ['upload_a', 'upload_b', 'upload_c', 'upload_d']);
        expect(created).toMatchObject({ id: 'job_1', object: 'bulk_cancel', state: 'running', total: 4, finished_at: null, reason: 'cleanup', concurrency: 0 });
        expect(created.progress).toEqual({ pending: 4, cancelled: 0, already_finished: 0, not_found: 0, failed: 0, unknown: 0, skipped: 0 });
        expect(await store.jobItemsToDo('job_1', 0, 2)).toEqual([{ seq: 1, upload_id: 'upload_a' }, { seq: 2, upload_id: 'upload_b' }]);
        await store.finishJobItem('job_1', 2, { outcome: 'skipped', message: 'Already completed', upstream_status: null });
        await store.finishJobItem('job_1', 2, { outcome: 'failed', message: 'second time', upstream_status: 500 });
        await store.finishJobItem('job_1', 3, { outcome: 'not_found', message: null, upstream_status: 404 });
        expect(await store.jobItemsToDo('job_1', 0, 10)).toEqual([{ seq: 1, upload_id: 'upload_a' }, { seq: 4, upload_id: 'upload_d' }]);
        expect(await store.jobItemsToDo('job_1', 1, 10)).toEqual([{ seq: 4, upload_id: 'upload_d' }]);
        const read = await store.getJob('job_1', true);
        expect(read?.progress).toMatchObject({ pending: 2, skipped: 1, not_found: 1, failed: 0 });
        expect(read?.items).toEqual([
          { upload_id: 'upload_b', outcome: 'skipped', message: 'Already completed', upstream_status: null },
          { upload_id: 'upload_c', outcome: 'not_found', message: null, upstream_status: 404 },
        ]);
        expect((await store.getJob('job_1', false))?.items).toBeUndefined();
        expect(await store.getJob('job_missing', true)).toBeNull();
      });

      it('lists every settled item but cancelled ones only up to the cap', async () => {
        const ids = Array.from({ length: JOB_CANCELLED_ITEMS_SHOWN + 3 }, (_, i) => `upload_${i}`);
        await store.createJob(job('job_big', NOW), ids);
        for (let seq = 1; seq <= ids.length; seq++) {
          await store.finishJobItem('job_big', seq, seq === 2 ? { outcome: 'failed', message: 'boom', upstream_status: 500 } : { outcome: 'cancelled', message: null, upstream_status: 200 });
        }
        const items = (await store.getJob('job_big', true))!.items!;
        expect(items[0]).toEqual({ upload_id: 'upload_1', outcome: 'failed', message: 'boom', upstream_status: 500 });
        expect(items.slice(1).map((i) => i.upload_id)).toEqual(ids.filter((_, i) => i !== 1).slice(0, JOB_CANCELLED_ITEMS_SHOWN));
      });

      it('finishes a job once, when nothing is left, with the largest concurrency it reached', async () => {
        await store.createJob(job('job_1', NOW), ['upload_a', 'upload_b']);
        await store.finishJobItem('job_1', 1, { outcome: 'cancelled', message: null, upstream_status: 200 });
        // An item is still to do: not finished, and nobody is told it was.
        expect(await store.finishJob('job_1', NOW + 30, 3)).toBeNull();
        expect((await store.getJob('job_1', false))?.state).toBe('running');
        await store.finishJobItem('job_1', 2, { outcome: 'not_found', message: null, upstream_status: 404 });
        const done = await store.finishJob('job_1', NOW + 60, 3);
        expect(done).toMatchObject({ state: 'done', finished_at: NOW + 60, concurrency: 3 });
        // Only the call that finished it gets the job (so one replica announces it); the first finish stays.
        expect(await store.finishJob('job_1', NOW + 90, 5)).toBeNull();
        expect(await store.getJob('job_1', false)).toMatchObject({ finished_at: NOW + 60, concurrency: 3 });
        expect(await store.runningJobs()).toEqual([]);
        // A job with no items at all is finished at once; a job that does not exist is not.
        await store.createJob(job('job_empty', NOW), []);
        expect(await store.finishJob('job_empty', NOW + 1, 0)).toMatchObject({ state: 'done', total: 0 });
        expect(await store.finishJob('job_missing', NOW, 1)).toBeNull();
      });

      it('finishes a job once when several finish it at once', async () => {
        await store.createJob(job('job_1', NOW), ['upload_a']);
        await store.finishJobItem('job_1', 1, { outcome: 'cancelled', message: null, upstream_status: 200 });
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.finishJob('job_1', NOW + i, 1)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });

      it('lists the newest jobs up to the cap, by state, and every running one oldest first', async () => {
        const name = (i: number) => `job_${String(i).padStart(3, '0')}`;
        const last = JOB_LIST_LIMIT + 2;
        for (let i = 0; i <= last; i++) await store.createJob(job(name(i), NOW + i), [`upload_${i}`]);
        for (const i of [0, last]) {
          await store.finishJobItem(name(i), 1, { outcome: 'cancelled', message: null, upstream_status: 200 });
          await store.finishJob(name(i), NOW + 100, 1);
        }
        const newest = await store.listJobs();
        expect(newest.map((j) => j.id)).toEqual(Array.from({ length: JOB_LIST_LIMIT }, (_, k) => name(last - k)));
        expect((await store.listJobs('done')).map((j) => j.id)).toEqual([name(last), name(0)]);
        // Resuming after a restart needs all of them, however many.
        const running = (await store.runningJobs()).map((j) => j.id);
        expect(running).toEqual(Array.from({ length: last - 1 }, (_, k) => name(k + 1)));
        expect((await store.listJobs('running')).map((j) => j.id)).toEqual(running.slice(-JOB_LIST_LIMIT).reverse());
      });

      it('names the uploads running jobs have still to settle, each once, and none of a finished job', async () => {
        await store.createJob(job('job_1', NOW), ['upload_a', 'upload_b', 'upload_c']);
        await store.createJob(job('job_2', NOW + 1), ['upload_c', 'upload_d']);
        await store.createJob(job('job_done', NOW + 2), ['upload_e']);
        await store.finishJobItem('job_done', 1, { outcome: 'cancelled', message: null, upstream_status: 200 });
        await store.finishJob('job_done', NOW + 3, 1);
        await store.finishJobItem('job_1', 1, { outcome: 'cancelled', message: null, upstream_status: 200 });
        expect((await store.uploadsInRunningJobs()).sort()).toEqual(['upload_b', 'upload_c', 'upload_d']);
        await store.finishJobItem('job_2', 2, { outcome: 'failed', message: 'boom', upstream_status: 500 });
        expect((await store.uploadsInRunningJobs()).sort()).toEqual(['upload_b', 'upload_c']);
      });
    });

    describeSharedWork(fresh, () => store);

    describe('across a reopen', () => {
      it('keeps everything recorded', async (context) => {
        const first = await open({ stuckRule: RULE, willReopen: true });
        if (!first.reopen) {
          await first.store.close();
          await first.cleanup?.();
          context.skip();
          return;
        }
        let again: UploadStore | undefined;
        try {
          await first.store.recordUpload(makeUpload('upload_a'), { at: NOW, via: 'create' });
          await first.store.recordCancelOutcome({ entry: cancelEntry('upload_b', { actor: 'ops', at: NOW + 5 }), change: { kind: 'object', upload: makeUpload('upload_b', { status: 'cancelled' }) } });
          await first.store.createJob({ id: 'job_1', created_by: 'ops', created_at: NOW, reason: null }, ['upload_a']);
          await first.store.close();
          again = await first.reopen();
          expect(await again.getUpload('upload_b', NOW + 10)).toMatchObject({ status: 'cancelled', cancelled_by: 'ops', cancelled_at: NOW + 5, seen_via: 'cancel' });
          expect((await again.listUploads({ limit: 10 }, NOW)).data.map((r) => r.upload.id).sort()).toEqual(['upload_a', 'upload_b']);
          expect(await again.countByStatus(NOW)).toMatchObject({ pending: 1, cancelled: 1 });
          expect((await again.listAudit({ limit: 10 })).data.map((a) => a.upload_id)).toEqual(['upload_b']);
          expect(await again.jobItemsToDo('job_1', 0, 10)).toEqual([{ seq: 1, upload_id: 'upload_a' }]);
          expect(await again.listUploads({ q: 'upload_b.json', limit: 10 }, NOW)).toMatchObject({ data: [{ upload: { id: 'upload_b' } }] });
        } finally {
          await again?.close();
          await first.cleanup?.();
        }
      });
    });

    describeAtScale(open, options.rowsAtScale ?? 100_000);

    describeRetention(fresh, () => store);
    describeAlertOutbox(fresh, () => store);
    describeRetentionAtScale(async () => {
      const { store: filled, fill, cleanup } = await open({ stuckRule: RULE, willReopen: false });
      if (!fill) throw new Error('The retention test at scale needs OpenedStore.fill');
      return { store: filled, fill, done: async () => (await filled.close(), await cleanup?.()) };
    }, options.retentionRowsAtScale ?? 100_000);
  });
}

function sortValue(record: UploadRecord, sort: SortField): number {
  return { created_at: record.upload.created_at, expires_at: record.upload.expires_at, bytes: record.upload.bytes, last_activity_at: record.last_activity_at }[sort];
}

/**
 * Keyset pagination over many rows stays correct while rows change underneath: new uploads
 * arrive, others are cancelled. Both tests share one filled store (filling it is the slow part);
 * each asserts only what holds whatever the other did to it.
 */
function describeAtScale(open: (options: OpenOptions) => Promise<OpenedStore>, rows: number) {
  describe(`keyset pagination over ${rows.toLocaleString('en-US')} rows`, () => {
    let opened: OpenedStore;
    let store: UploadStore;
    let extra = rows;
    const upload = (i: number, status: Upload['status'] = 'pending', created_at = NOW - 1800 + Math.floor(i / 60)): Upload => ({
      ...makeUpload(`upload_${i.toString(16).padStart(8, '0')}`, { created_at, bytes: 1000 + (i % 97), filename: `file-${i}.jsonl` }),
      status,
    });
    const original = () => Array.from({ length: rows }, (_, i) => upload(i).id);

    beforeAll(async () => {
      opened = await open({ stuckRule: RULE, willReopen: false });
      store = opened.store;
      // Several uploads share each second, so the id tie-breaker is exercised throughout.
      for (let i = 0; i < rows; i++) await store.recordUpload(upload(i), { at: NOW, via: 'create' });
    }, 300_000);
    afterAll(async () => {
      await store.close();
      await opened.cleanup?.();
    });

    it('serves every row once, newest first, while uploads arrive and others change status', async () => {
      const arrived = new Set<string>();
      const pages = await pagesOf(store, {}, 500, NOW, async (sofar) => {
        // Newer than anything listed, so behind the cursor; then one listed or not-yet-listed upload is cancelled.
        for (let k = 0; k < 5; k++) {
          const newer = upload(extra++, 'pending', NOW + sofar.length);
          arrived.add(newer.id);
          await store.recordUpload(newer, { at: NOW, via: 'create' });
        }
        await store.recordUpload(upload((sofar.length * 997) % rows, 'cancelled'), { at: NOW, via: 'cancel', actor: 'ops' });
      });
      const served = pages.flat();
      const servedSet = new Set(served);
      expect(servedSet.size).toBe(served.length);
      expect(original().filter((id) => !servedSet.has(id))).toEqual([]);
      expect(served.filter((id) => arrived.has(id))).toEqual([]);
      expect(pages.length).toBeGreaterThanOrEqual(rows / 500);
    }, 300_000);

    it('a status filter loses no row that kept its status, and serves none that left it ahead of the cursor', async () => {
      const pendingAtStart = new Set((await pagesOf(store, { status: 'pending' }, 5000)).flat());
      const cancelledAhead = new Set<string>();
      let step = 0;
      const pages = await pagesOf(store, { status: 'pending' }, 1000, NOW, async (sofar) => {
        const victim = upload((step++ * 7919 + 13) % rows, 'cancelled');
        if (!sofar.some((page) => page.includes(victim.id))) cancelledAhead.add(victim.id);
        await store.recordUpload(victim, { at: NOW, via: 'cancel', actor: 'ops' });
      });
      const served = pages.flat();
      const servedSet = new Set(served);
      expect(servedSet.size).toBe(served.length);
      const pendingThroughout = (await pagesOf(store, { status: 'pending' }, 5000)).flat().filter((id) => pendingAtStart.has(id));
      expect(pendingThroughout.filter((id) => !servedSet.has(id))).toEqual([]);
      expect([...cancelledAhead].filter((id) => pendingAtStart.has(id) && servedSet.has(id))).toEqual([]);
      expect(cancelledAhead.size).toBeGreaterThan(0);
      expect(served.length).toBeGreaterThan(rows / 2);
    }, 300_000);
  });
}

/** Lease times are milliseconds on the callers' clocks; these tests pass them explicitly. */
const T = 1_800_000_000_000;
const LEASE = 30_000;
const A = 'replica_a';
const B = 'replica_b';
const terms = (owner: string, now = T, leaseMs = LEASE): LeaseTerms => ({ owner, now, leaseMs });
const keys = (items: readonly ClaimedJobItem[]) => items.map((i) => `${i.job_id}#${i.seq}`);

/**
 * Bulk items and doubtful cancels claimed under leases, the global concurrency cap, the shared
 * 429 pause: what lets several replicas share one database without doing anything twice.
 */
function describeSharedWork(fresh: () => void, current: () => UploadStore) {
  describe('work shared between replicas: bulk item leases', () => {
    fresh();
    const job = (id: string, created_at: number, reason: string | null = null) => ({ id, created_by: 'alice', created_at, reason });
    const uploads = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `upload_${prefix}${i + 1}`);
    const claim = (owner: string, limit: number, options: { now?: number; cap?: number; leaseMs?: number } = {}) =>
      current().claimJobItems({ ...terms(owner, options.now ?? T, options.leaseMs ?? LEASE), limit, cap: options.cap ?? 100 });

    it('claims items of running jobs, oldest job first and in order, with who started the job and why', async () => {
      const store = current();
      await store.createJob(job('job_new', NOW + 10), uploads('n', 2));
      await store.createJob(job('job_old', NOW, 'cleanup'), uploads('o', 3));
      await store.createJob(job('job_done', NOW - 10), []);
      await store.finishJob('job_done', NOW, 0);
      const first = await claim(A, 4);
      expect(first).toEqual([
        { job_id: 'job_old', seq: 1, upload_id: 'upload_o1', sent_at: null, taken_from: null, created_by: 'alice', reason: 'cleanup' },
        { job_id: 'job_old', seq: 2, upload_id: 'upload_o2', sent_at: null, taken_from: null, created_by: 'alice', reason: 'cleanup' },
        { job_id: 'job_old', seq: 3, upload_id: 'upload_o3', sent_at: null, taken_from: null, created_by: 'alice', reason: 'cleanup' },
        { job_id: 'job_new', seq: 1, upload_id: 'upload_n1', sent_at: null, taken_from: null, created_by: 'alice', reason: null },
      ]);
      // Leased items are nobody else's, nor the same owner's twice; settled items are nobody's.
      await store.finishJobItem('job_new', 2, { outcome: 'skipped', message: 'Already completed', upstream_status: null });
      expect(await claim(B, 10)).toEqual([]);
      expect(await claim(A, 10)).toEqual([]);
    });

    it('lets another owner take an item once its lease expires, saying whose it was', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('x', 2));
      expect(keys(await claim(A, 1, { leaseMs: 1000 }))).toEqual(['job_1#1']);
      expect(keys(await claim(B, 5, { now: T + 999 }))).toEqual(['job_1#2']);
      const taken = await claim(B, 5, { now: T + 1000 });
      expect(taken).toMatchObject([{ job_id: 'job_1', seq: 1, taken_from: A }]);
    });

    it('never leases more unsettled items than the cap, all owners together, even when they claim at once', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('a', 15));
      await store.createJob(job('job_2', NOW + 1), uploads('b', 15));
      const claims = await Promise.all([A, B, A, B, A, B].map((owner) => claim(owner, 3, { cap: 5 })));
      const all = claims.flat();
      expect(all).toHaveLength(5);
      expect(new Set(keys(all)).size).toBe(5);
      expect(await claim(B, 3, { cap: 5 })).toEqual([]);
      // A settled item frees its slot; so does an expired lease (a dead replica's slots come back).
      const [settle] = all;
      await store.finishJobItem(settle!.job_id, settle!.seq, { outcome: 'cancelled', message: null, upstream_status: 200 });
      expect(await claim(B, 3, { cap: 5 })).toHaveLength(1);
      expect(await claim(B, 30, { cap: 5, now: T + LEASE })).toHaveLength(5);
      // A smaller cap than what is leased already: nothing more.
      expect(await claim(A, 3, { cap: 2, now: T + LEASE })).toEqual([]);
    });

    it('shares the slots among the replicas claiming, and gives back the share of one that leaves', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('p', 20));
      expect(await claim(A, 1, { cap: 4 })).toHaveLength(1); // alone: all four slots are A's to take
      expect(await claim(B, 4, { cap: 4 })).toHaveLength(2); // two replicas: two each
      expect(await claim(A, 4, { cap: 4 })).toHaveLength(1);
      expect(await claim(B, 4, { cap: 4 })).toEqual([]);
      // B stops: its items and its share are back at once; a replica not heard of for a lease period counts no more.
      await store.releaseJobItems(B);
      expect(await claim(A, 4, { cap: 4 })).toHaveLength(2);
      await claim(B, 4, { cap: 8, now: T + 1 });
      expect(await claim(A, 8, { cap: 8, now: T + LEASE + 1 })).toHaveLength(8);
    });

    it('records the most items of a job leased at once as its concurrency', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('c', 6));
      const first = await claim(A, 2);
      await claim(B, 1);
      for (const item of first) await store.finishJobItem(item.job_id, item.seq, { outcome: 'cancelled', message: null, upstream_status: 200 });
      await claim(A, 1);
      expect((await store.getJob('job_1', false))?.concurrency).toBe(3);
    });

    it('marks an item sent only for the owner holding its lease; claimed again, it says so', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('s', 2));
      await claim(A, 2, { leaseMs: 1000 });
      expect(await store.markJobItemSent({ ...terms(B, T + 10), job_id: 'job_1', seq: 1 })).toBe(false);
      expect(await store.markJobItemSent({ ...terms(A, T + 10, 1000), job_id: 'job_1', seq: 1 })).toBe(true);
      expect(await store.markJobItemSent({ ...terms(A, T + 20, 1000), job_id: 'job_1', seq: 1 })).toBe(true);
      // An expired lease is no licence to send: the call must not be made.
      expect(await store.markJobItemSent({ ...terms(A, T + 1000, 1000), job_id: 'job_1', seq: 2 })).toBe(false);
      // Marking extended the first item's lease (T + 20 + 1000); the second's has run out.
      expect(keys(await claim(B, 5, { now: T + 1010 }))).toEqual(['job_1#2']);
      const again = await claim(B, 5, { now: T + 1020 });
      expect(again).toMatchObject([{ seq: 1, sent_at: T + 10, taken_from: A }]);
      await store.finishJobItem('job_1', 1, { outcome: 'cancelled', message: null, upstream_status: 200 });
      expect(await store.markJobItemSent({ ...terms(B, T + 1030), job_id: 'job_1', seq: 1 })).toBe(false);
    });

    it('renews only the leases the owner still holds, on the items named', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('r', 3));
      const mine = await claim(A, 3, { leaseMs: 1000 });
      expect(await store.renewJobItems(terms(A, T + 500, 1000), mine.slice(0, 2))).toBe(2);
      expect(await store.renewJobItems(terms(B, T + 500, 1000), mine)).toBe(0);
      expect(await store.renewJobItems(terms(A, T + 500, 1000), [])).toBe(0);
      // At T + 1000 the third (not renewed) is free; the two renewed hold until T + 1500.
      expect(keys(await claim(B, 5, { now: T + 1000 }))).toEqual(['job_1#3']);
      // A lease that ran out is not renewed: whoever holds it now keeps it.
      expect(await store.renewJobItems(terms(A, T + 1000, 1000), mine)).toBe(2);
      expect(await store.renewJobItems(terms(A, T + 1999, 1000), mine)).toBe(2);
      expect(await store.renewJobItems(terms(A, T + 3001, 1000), mine)).toBe(0);
    });

    it('hands leases back at once, keeping sent_at, so another owner takes them without waiting', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('h', 4));
      const mine = await claim(A, 4);
      await store.markJobItemSent({ ...terms(A), job_id: 'job_1', seq: 2 });
      expect(await store.releaseJobItems(B)).toBe(0);
      expect(await store.releaseJobItems(A, [mine[0]!])).toBe(1);
      expect(keys(await claim(B, 5))).toEqual(['job_1#1']);
      expect(await store.releaseJobItems(A)).toBe(3);
      const handed = await claim(B, 5);
      expect(handed.map((i) => [i.seq, i.sent_at, i.taken_from])).toEqual([
        [2, T, A],
        [3, null, A],
        [4, null, A],
      ]);
      // Handed back, they are no longer A's to send or renew.
      expect(await store.markJobItemSent({ ...terms(A), job_id: 'job_1', seq: 3 })).toBe(false);
      expect(await store.renewJobItems(terms(A), mine)).toBe(0);
    });

    it('claims of a finished job are never handed out, and a job finishes only when none is left', async () => {
      const store = current();
      await store.createJob(job('job_1', NOW), uploads('f', 2));
      const [one, two] = await claim(A, 2);
      await store.recordCancelOutcome({
        entry: cancelEntry('upload_f1', { source: 'bulk', job_id: 'job_1' }),
        change: { kind: 'none' },
        jobItem: { seq: one!.seq },
      });
      expect(await store.finishJob('job_1', NOW, 2)).toBeNull();
      await store.finishJobItem('job_1', two!.seq, { outcome: 'failed', message: 'boom', upstream_status: 500 });
      expect(await store.finishJob('job_1', NOW, 2)).toMatchObject({ state: 'done' });
      expect(await claim(B, 5, { now: T + LEASE })).toEqual([]);
    });
  });

  describe('work shared between replicas: doubtful cancels and the upstream pause', () => {
    fresh();
    const doubt = async (id: string, since: number) => {
      await current().recordUpload(makeUpload(id), { at: NOW - 100, via: 'create' });
      await current().recordCancelOutcome({ entry: cancelEntry(id, { at: since, outcome: 'unknown', upstream_status: null }), change: { kind: 'mark_unknown' } });
    };
    const round = async (owner: string, now = T, leaseMs = LEASE) => {
      const claimed: string[] = [];
      let after: UnknownCancelClaim | null = null;
      while ((after = await current().claimUnknownCancel({ ...terms(owner, now, leaseMs), after }))) claimed.push(after.id);
      return claimed;
    };

    it('hands each doubtful cancel to one reconciler at a time, oldest doubt first', async () => {
      const store = current();
      await doubt('upload_d2', NOW + 2);
      await doubt('upload_d1', NOW + 1);
      await doubt('upload_d3', NOW + 2);
      await store.recordUpload(makeUpload('upload_fine'), { at: NOW, via: 'create' });
      expect(await store.claimUnknownCancel({ ...terms(A), after: null })).toEqual({ id: 'upload_d1', since: NOW + 1 });
      // B's round skips what A holds; A's next claim carries on after where it got to.
      expect(await round(B)).toEqual(['upload_d2', 'upload_d3']);
      expect(await store.claimUnknownCancel({ ...terms(A), after: { id: 'upload_d1', since: NOW + 1 } })).toBeNull();
      // Released, or expired, they can be claimed again.
      await store.releaseUnknownCancel(A, 'upload_d1');
      await store.releaseUnknownCancel(A, 'upload_d2'); // not A's: stays B's
      expect(await round(A)).toEqual(['upload_d1']);
      expect(await round(A, T + LEASE)).toEqual(['upload_d1', 'upload_d2', 'upload_d3']);
    });

    it('claims at once never hand out the same upload twice', async () => {
      for (let i = 1; i <= 8; i++) await doubt(`upload_r${i}`, NOW + i);
      const rounds = await Promise.all([round(A), round(B), round(A), round(B)]);
      expect(rounds.flat().sort()).toEqual(Array.from({ length: 8 }, (_, i) => `upload_r${i + 1}`));
    });

    it('renews a reconciler lease only while it is held, and settled doubts are not handed out', async () => {
      const store = current();
      await doubt('upload_d1', NOW);
      await store.claimUnknownCancel({ ...terms(A, T, 1000), after: null });
      expect(await store.renewUnknownCancel(terms(A, T + 900, 1000), 'upload_d1')).toBe(true);
      expect(await store.renewUnknownCancel(terms(B, T + 900, 1000), 'upload_d1')).toBe(false);
      expect(await round(B, T + 1500)).toEqual([]);
      expect(await store.renewUnknownCancel(terms(A, T + 1900, 1000), 'upload_d1')).toBe(false);
      await store.recordCancelOutcome({ entry: cancelEntry('upload_d1', { source: 'reconcile' }), change: { kind: 'object', upload: makeUpload('upload_d1', { status: 'cancelled' }) } });
      expect(await round(B, T + 5000)).toEqual([]);
    });

    it('keeps the latest pause any replica asked for', async () => {
      const store = current();
      expect(await store.upstreamPausedUntil()).toBe(0);
      await store.setUpstreamPause(T + 7000);
      await store.setUpstreamPause(T + 2000);
      expect(await store.upstreamPausedUntil()).toBe(T + 7000);
      await Promise.all([store.setUpstreamPause(T + 9000), store.setUpstreamPause(T + 8000)]);
      expect(await store.upstreamPausedUntil()).toBe(T + 9000);
    });
  });
}
