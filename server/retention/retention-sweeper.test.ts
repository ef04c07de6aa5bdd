import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusCounts } from '#contract/dashboard-api.ts';
import type { Upload } from '#contract/uploads.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { ManualClock, unixSeconds } from '#server/lib/clock.ts';
import { silentLogger, type Logger } from '#server/lib/logger.ts';
import { openSqliteStore, type SqliteUploadStore } from '#server/store/sqlite/sqlite-store.ts';
import { DAY_SECONDS, RetentionSweeper } from './retention-sweeper.ts';

function upload(id: string, status: Upload['status'], created_at: number): Upload {
  return { id, object: 'upload', bytes: 100, created_at, expires_at: created_at + 3600, filename: `${id}.jsonl`, purpose: 'batch', status, file: null };
}

describe('RetentionSweeper', () => {
  let clock: ManualClock;
  let store: SqliteUploadStore;
  const now = () => unixSeconds(clock);
  const record = (id: string, status: Upload['status']) => store.recordUpload(upload(id, status, now()), { at: now(), via: status === 'pending' ? 'create' : 'complete' });
  const audit = (uploadId: string) =>
    store.recordCancelOutcome({
      entry: { at: now(), actor: 'alice', source: 'dashboard', upload_id: uploadId, reason: null, outcome: 'cancelled', upstream_status: 200, request_id: null, job_id: null, message: null },
      change: { kind: 'none' },
    });

  beforeEach(() => {
    clock = new ManualClock();
    store = openSqliteStore(':memory:', createStuckRule());
  });
  afterEach(() => store.close());

  it('removes finished uploads once RETENTION_DAYS have passed since their last activity, and audit entries after AUDIT_RETENTION_DAYS', async () => {
    const counts: StatusCounts[] = [];
    const sweeper = new RetentionSweeper({ store, clock, log: silentLogger, onCounts: (c) => counts.push(c) }, { uploadDays: 30, auditDays: 365 }, { pauseMs: 0 });
    await record('upload_done', 'completed');
    await record('upload_left', 'pending'); // abandoned: it expires in an hour
    await audit('upload_done');
    clock.advanceSeconds(30 * DAY_SECONDS - 1);
    await record('upload_recent', 'cancelled');
    expect(await sweeper.sweep()).toEqual({ uploads: 0, audit: 0 });

    clock.advanceSeconds(1); // completed 30 days ago: it goes; the abandoned one expired an hour after that, so it stays an hour more
    expect(await sweeper.sweep()).toEqual({ uploads: 1, audit: 0 });
    expect([...(await store.getUploads(['upload_done', 'upload_left', 'upload_recent'], now())).keys()]).toEqual(['upload_left', 'upload_recent']);
    clock.advanceSeconds(3600);
    expect(await sweeper.sweep()).toEqual({ uploads: 1, audit: 0 });
    expect(counts.at(-1)).toMatchObject({ pending: 0, expired: 0, completed: 0, cancelled: 1 });

    clock.advanceSeconds(335 * DAY_SECONDS);
    expect(await sweeper.sweep()).toEqual({ uploads: 1, audit: 1 });
    expect((await store.listAudit({ limit: 10 })).data).toEqual([]);
  });

  it('keeps everything when the days are 0', async () => {
    const sweeper = new RetentionSweeper({ store, clock, log: silentLogger }, { uploadDays: 0, auditDays: 0 }, { pauseMs: 0 });
    await record('upload_done', 'completed');
    await audit('upload_done');
    clock.advanceSeconds(10_000 * DAY_SECONDS);
    expect(await sweeper.sweep()).toEqual({ uploads: 0, audit: 0 });
    expect(await store.getUpload('upload_done', now())).not.toBeNull();
  });

  it('works in batches, letting other writes in between them', async () => {
    const lines: string[] = [];
    const log: Logger = { ...silentLogger, info: (m) => lines.push(m) };
    for (let i = 0; i < 100; i++) await record(`upload_${i}`, 'completed');
    clock.advanceSeconds(31 * DAY_SECONDS);
    const sweeper = new RetentionSweeper({ store, clock, log }, { uploadDays: 30, auditDays: 365 }, { batchSize: 10, pauseMs: 0 });
    const order: string[] = [];
    const round = sweeper.sweep().then((r) => (order.push('round'), r));
    // A cancel arriving mid-round is recorded without waiting for the round to end.
    const written = record('upload_new', 'pending').then(() => order.push('write'));
    const [result] = await Promise.all([round, written]);
    expect(order).toEqual(['write', 'round']);
    expect(result).toEqual({ uploads: 100, audit: 0 });
    expect(await store.countByStatus(now())).toMatchObject({ pending: 1, completed: 0 });
    expect(lines).toEqual(['retention: removed 100 finished upload(s) older than 30 days and 0 audit entries older than 365 days']);
  });

  it('a round joined while it runs is the same round; stop() ends it after the batch in progress', async () => {
    for (let i = 0; i < 50; i++) await record(`upload_${i}`, 'completed');
    clock.advanceSeconds(31 * DAY_SECONDS);
    const sweeper = new RetentionSweeper({ store, clock, log: silentLogger }, { uploadDays: 30, auditDays: 365 }, { batchSize: 10, pauseMs: 5 });
    const round = sweeper.sweep();
    expect(sweeper.sweep()).toBe(round);
    await new Promise((resolve) => setTimeout(resolve, 1));
    await sweeper.stop();
    const { uploads } = await round;
    expect(uploads).toBeGreaterThan(0);
    expect(uploads).toBeLessThan(50);
    expect((await store.countByStatus(now())).completed).toBe(50 - uploads);
    expect(await sweeper.sweep()).toEqual({ uploads: 0, audit: 0 });
  });
});
