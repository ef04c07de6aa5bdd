// What every UploadStore does about retention (part of the contract suite, store-contract.ts):
// finished uploads and old audit entries leave in batches, with their parts and events, counts
// staying exact, nothing young touched, and replicas purging at once deleting each row once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Upload, UploadStatus } from '#contract/uploads.ts';
import type { CancelWrite, UploadStore } from './upload-store.ts';

/** An upload written straight into the tables: its row, `parts` parts of 100 bytes, a created event and one event per part, all at `at`. */
export interface FillRow {
  upload: Upload;
  /** First seen and last activity (unix s). */
  at: number;
  parts: number;
  /** Set: a cancel of it may have landed (cancel_unknown_since). */
  unknownSince?: number;
}

/** Writes the rows in one transaction (an engine's test file knows its tables; the suite does not). */
export type FillUploads = (rows: readonly FillRow[]) => Promise<void>;

const NOW = 1_800_000_000;
const DAY = 86_400;
/** 30 days before NOW: what the console passes for RETENTION_DAYS=30. */
const CUTOFF = NOW - 30 * DAY;

function upload(id: string, status: UploadStatus, created_at: number): Upload {
  return { id, object: 'upload', bytes: 1000, created_at, expires_at: created_at + 3600, filename: `${id}-ledger.jsonl`, purpose: 'batch', status, file: null };
}

function auditEntry(uploadId: string, at: number): CancelWrite['entry'] {
  return { at, actor: 'alice', source: 'dashboard', upload_id: uploadId, reason: null, outcome: 'failed', upstream_status: 500, request_id: null, job_id: null, message: 'Server error' };
}

/** Purges until nothing is left, returning the size of every batch. */
async function purgeAll(store: UploadStore, cutoff: number, limit: number): Promise<number[]> {
  const batches: number[] = [];
  for (let n = await store.purgeFinishedUploads(cutoff, limit); n > 0; n = await store.purgeFinishedUploads(cutoff, limit)) batches.push(n);
  return batches;
}

const sum = (ns: readonly number[]) => ns.reduce((a, b) => a + b, 0);

/** The counts the store keeps, next to the rows it actually holds (countMatching reads the rows). */
async function countsAndRows(store: UploadStore, now: number) {
  const counts = await store.countByStatus(now);
  const rows: Record<UploadStatus, number> = { pending: 0, completed: 0, cancelled: 0, expired: 0 };
  for (const status of Object.keys(rows) as UploadStatus[]) {
    const { cancellable, skipped } = await store.countMatching({ status }, now);
    rows[status] = cancellable + skipped;
  }
  return { counts: { pending: counts.pending, completed: counts.completed, cancelled: counts.cancelled, expired: counts.expired }, rows };
}

export function describeRetention(fresh: () => void, current: () => UploadStore): void {
  describe('retention', () => {
    fresh();
    const old = CUTOFF - 5 * DAY;
    const record = async (id: string, status: UploadStatus, created_at: number, at = created_at) => {
      await current().recordUpload(upload(id, status, created_at), { at, via: status === 'pending' ? 'create' : 'complete' });
      await current().recordPart({ id: `${id}_part`, object: 'upload.part', created_at, upload_id: id }, 100, at);
    };

    beforeEach(async () => {
      const store = current();
      // Finished long enough ago: these go.
      await record('upload_old_completed', 'completed', CUTOFF - 3600, CUTOFF); // last active exactly RETENTION_DAYS ago
      await record('upload_completed_before_expiry', 'completed', CUTOFF - 600, CUTOFF - 300); // finished before the cutoff; its expiry (after it) no longer matters
      await record('upload_old_cancelled', 'cancelled', old);
      await record('upload_old_swept', 'pending', old - 10);
      expect((await store.expireLapsed(old + 3600, 10)).map((r) => r.upload.id)).toEqual(['upload_old_swept']);
      await record('upload_old_unswept', 'pending', old + 20); // pending past its expiry, never swept: expired all the same
      // These stay.
      await record('upload_young_completed', 'completed', CUTOFF - 3600, CUTOFF + 1);
      await record('upload_old_but_touched', 'cancelled', old, old);
      await store.recordUpload(upload('upload_old_but_touched', 'cancelled', old), { at: NOW - DAY, via: 'cancel', actor: 'bob' });
      await record('upload_expiring_after_cutoff', 'pending', CUTOFF - 3000); // last part before the cutoff, but it expires after it
      await record('upload_doubtful', 'pending', old);
      await store.recordCancelOutcome({ entry: { ...auditEntry('upload_doubtful', old + 60), outcome: 'unknown', upstream_status: null }, change: { kind: 'mark_unknown' } });
      await record('upload_pending_now', 'pending', NOW - 60);
      await store.recordCancelOutcome({ entry: auditEntry('upload_old_cancelled', old + 1), change: { kind: 'none' } });
    });

    const gone = ['upload_completed_before_expiry', 'upload_old_cancelled', 'upload_old_completed', 'upload_old_swept', 'upload_old_unswept'];
    const kept = ['upload_doubtful', 'upload_expiring_after_cutoff', 'upload_old_but_touched', 'upload_pending_now', 'upload_young_completed'];

    it('deletes finished uploads last active at or before the cutoff, with their parts and events, and nothing else', async () => {
      const store = current();
      const timelinesKept = await Promise.all(kept.map((id) => store.timeline(id)));
      expect(sum(await purgeAll(store, CUTOFF, 100))).toBe(gone.length);
      const left = await store.getUploads([...gone, ...kept], NOW);
      expect([...left.keys()].sort()).toEqual(kept);
      for (const id of gone) expect(await store.timeline(id)).toEqual([]);
      expect(await Promise.all(kept.map((id) => store.timeline(id)))).toEqual(timelinesKept);
      expect((await store.listUploads({ q: 'ledger', limit: 100 }, NOW)).data.map((r) => r.upload.id).sort()).toEqual(kept);
      // The audit log keeps its own time: the entry about a purged upload stays, without a filename.
      expect((await store.listAudit({ upload_id: 'upload_old_cancelled', limit: 10 })).data).toMatchObject([{ upload_id: 'upload_old_cancelled', filename: null }]);
      // Its parts went too: recorded again (a cancel by id, say), an upload starts from nothing.
      expect(await store.recordUpload(upload('upload_old_cancelled', 'cancelled', old), { at: NOW, via: 'cancel', actor: 'ops' })).toMatchObject({ parts_count: 0, bytes_received: 0 });
    });

    it('keeps the status counts exact', async () => {
      const store = current();
      await purgeAll(store, CUTOFF, 100);
      const { counts, rows } = await countsAndRows(store, NOW);
      expect(counts).toEqual(rows);
      expect(counts).toEqual({ pending: 1, completed: 1, cancelled: 1, expired: 2 });
    });

    it('goes in batches of at most the limit until none is left', async () => {
      const store = current();
      const batches = await purgeAll(store, CUTOFF, 3);
      expect(batches.every((n) => n <= 3)).toBe(true);
      expect(sum(batches)).toBe(gone.length);
      expect(await store.purgeFinishedUploads(CUTOFF, 3)).toBe(0);
    });

    it('reaches only uploads finished by an earlier cutoff', async () => {
      const store = current();
      expect(sum(await purgeAll(store, old + 3600, 100))).toBe(2); // cancelled at `old`, swept by old + 3600
      expect([...(await store.getUploads(gone, NOW)).keys()].sort()).toEqual(['upload_completed_before_expiry', 'upload_old_completed', 'upload_old_unswept']);
    });

    it('replicas purging at once delete each upload once, and the counts stay exact', async () => {
      const store = current();
      for (let i = 0; i < 40; i++) await record(`upload_batch_${String(i).padStart(2, '0')}`, (['completed', 'cancelled', 'pending'] as const)[i % 3]!, old + i);
      const batches = await Promise.all([purgeAll(store, CUTOFF, 3), purgeAll(store, CUTOFF, 3), purgeAll(store, CUTOFF, 3)]);
      expect(sum(batches.flat())).toBe(gone.length + 40);
      const { counts, rows } = await countsAndRows(store, NOW);
      expect(counts).toEqual(rows);
    });

    it('deletes audit entries written at or before the cutoff, oldest first, in batches', async () => {
      const store = current();
      for (const at of [CUTOFF - 20, CUTOFF, CUTOFF - 10, CUTOFF + 1]) await store.recordCancelOutcome({ entry: auditEntry('upload_pending_now', at), change: { kind: 'none' } });
      const ats = async () => (await store.listAudit({ limit: 50 })).data.map((a) => a.at - CUTOFF);
      // The two written in beforeEach are the oldest: they go first.
      expect(await store.purgeAuditEntries(CUTOFF, 2)).toBe(2);
      expect(await ats()).toEqual([1, -10, 0, -20]);
      expect(await store.purgeAuditEntries(CUTOFF, 2)).toBe(2);
      expect(await ats()).toEqual([1, 0]);
      expect(await store.purgeAuditEntries(CUTOFF, 2)).toBe(1);
      expect(await store.purgeAuditEntries(CUTOFF, 2)).toBe(0);
      expect(await ats()).toEqual([1]);
      // Uploads are not touched by the audit's retention.
      expect(await store.getUpload('upload_old_cancelled', NOW)).not.toBeNull();
    });
  });
}

export interface AtScaleRetentionStore {
  store: UploadStore;
  fill: FillUploads;
  done(): Promise<void>;
}

/**
 * Retention over `rows` uploads (filled in one transaction): every old finished one goes with its
 * parts and events, in batches, the counts stay exact, and nothing young is touched. Times are the
 * arguments passed (the clock is the caller's); nothing here measures wall time.
 */
export function describeRetentionAtScale(open: () => Promise<AtScaleRetentionStore>, rows: number): void {
  describe(`retention over ${rows.toLocaleString('en-US')} rows`, () => {
    let opened: AtScaleRetentionStore;
    const statuses = ['completed', 'cancelled', 'expired', 'pending'] as const;
    const id = (i: number) => `upload_r${String(i).padStart(7, '0')}`;
    // Three in four are old (one row in sixteen exactly on the cutoff); of the young, pending ones are live.
    const isOld = (i: number) => i % 4 !== 3;
    const rowOf = (i: number): FillRow => {
      const status = statuses[Math.floor(i / 4) % 4]!;
      const at = isOld(i) ? CUTOFF - (i % 16 === 0 ? 0 : 1 + (i % 1000) * 60) : status === 'pending' ? NOW - 600 : CUTOFF + 1 + (i % 1000);
      // Old ones expired by `at` (on the cutoff for one in sixteen); young pending ones are live.
      const created_at = status === 'pending' && !isOld(i) ? at : at - 3600;
      const fill: FillRow = { upload: upload(id(i), status, created_at), at, parts: 1 + (i % 3) };
      return i % 1001 === 0 && status === 'pending' ? { ...fill, unknownSince: at } : fill;
    };
    const expected = { pending: 0, completed: 0, cancelled: 0, expired: 0 };
    const kept = new Set<string>();

    beforeAll(async () => {
      opened = await open();
      const all = Array.from({ length: rows }, (_, i) => rowOf(i));
      await opened.fill(all);
      for (const row of all) {
        const lapsed = row.upload.status === 'pending' && row.upload.expires_at <= NOW;
        const finishedAt = row.upload.status === 'completed' || row.upload.status === 'cancelled' ? row.at : Math.max(row.at, row.upload.expires_at);
        const stays = finishedAt > CUTOFF || row.unknownSince !== undefined;
        if (!stays) continue;
        kept.add(row.upload.id);
        expected[lapsed ? 'expired' : row.upload.status] += 1;
      }
    }, 300_000);
    afterAll(async () => {
      await opened?.done();
    });

    it('deletes every old finished upload with its parts and events, in batches, counts exact, nothing young touched', async () => {
      const { store } = opened;
      const sample = Array.from({ length: 200 }, (_, k) => (k * 7919) % rows);
      const youngBefore = new Map<string, unknown>();
      for (const i of sample.filter((i) => kept.has(id(i)))) youngBefore.set(id(i), { record: await store.getUpload(id(i), NOW), timeline: await store.timeline(id(i)) });

      const batches = await purgeAll(store, CUTOFF, 500);
      expect(Math.max(...batches)).toBeLessThanOrEqual(500);
      expect(sum(batches)).toBe(rows - kept.size);

      const { counts, rows: actual } = await countsAndRows(store, NOW);
      expect(counts).toEqual(expected);
      expect(actual).toEqual(expected);
      const left = await store.getUploads(Array.from({ length: rows }, (_, i) => id(i)), NOW);
      expect(left.size).toBe(kept.size);
      expect([...left.keys()].filter((k) => !kept.has(k))).toEqual([]);
      for (const i of sample) {
        if (kept.has(id(i))) {
          expect({ record: await store.getUpload(id(i), NOW), timeline: await store.timeline(id(i)) }).toEqual(youngBefore.get(id(i)));
        } else {
          expect(await store.timeline(id(i))).toEqual([]);
        }
      }
      expect(await store.purgeFinishedUploads(CUTOFF, 500)).toBe(0);
    }, 300_000);
  });
}
