// The timed store, around a real SQLite store: every method by name, failures too, and each
// cancel's one write counted with the outcome and source the store actually wrote.
import { afterEach, describe, expect, it } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { openStore } from '#server/store/open-store.ts';
import type { CancelWrite, UploadStore } from '#server/store/upload-store.ts';
import { parsePrometheusText, type Scrape } from '#server/test-support/prometheus-text.ts';
import { createConsoleMetrics, type ConsoleMetrics } from './console-metrics.ts';
import { instrumentStore } from './instrument-store.ts';

const NOW = 1_800_000_000;
const stores: UploadStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => {});
});

async function timedStore(): Promise<{ store: UploadStore; metrics: ConsoleMetrics; scrape: () => Promise<Scrape> }> {
  const real = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule(600) });
  stores.push(real);
  const metrics = createConsoleMetrics();
  return { store: instrumentStore(real, metrics), metrics, scrape: async () => parsePrometheusText((await metrics.render()).body) };
}

const upload = (id: string): Upload => ({ id, object: 'upload', bytes: 10, created_at: NOW - 60, expires_at: NOW + 3540, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null });
const cancel = (uploadId: string, overrides: Partial<CancelWrite['entry']> = {}): CancelWrite => ({
  entry: { at: NOW, actor: 'alice', source: 'dashboard', upload_id: uploadId, reason: null, outcome: 'cancelled', upstream_status: 200, request_id: 'req_1', job_id: null, message: null, ...overrides },
  change: { kind: 'none' },
});

const calls = (s: Scrape, method: string) => s.value('uploads_console_store_query_duration_seconds_count', { method });

describe('the timed store', () => {
  it('times every call by method name, and answers exactly as the store does', async () => {
    const { store, metrics, scrape } = await timedStore();
    const recorded = await store.recordUpload(upload('upload_a'), { at: NOW, via: 'create' });
    expect(recorded.upload.id).toBe('upload_a');
    expect((await store.getUpload('upload_a', NOW))?.status).toBe('pending');
    expect(await store.getUpload('upload_missing', NOW)).toBeNull();
    await store.ping();
    const s = await scrape();
    expect(calls(s, 'recordUpload')).toBe(1);
    expect(calls(s, 'getUpload')).toBe(2);
    expect(calls(s, 'ping')).toBe(1);
    expect(calls(s, 'countByStatus')).toBeUndefined();
    // A scrape's own read of the timed store is timed like any other call.
    metrics.watch({ store, clock: { now: () => NOW * 1000 }, log: silentLogger });
    expect(calls(await scrape(), 'countByStatus')).toBe(1);
    expect(s.value('uploads_console_store_query_duration_seconds_sum', { method: 'getUpload' })).toBeGreaterThan(0);
  });

  it('times a failed call and passes its error on', async () => {
    const { store, scrape } = await timedStore();
    await store.close();
    await expect(store.getUpload('upload_a', NOW)).rejects.toThrow();
    expect(calls(await scrape(), 'getUpload')).toBe(1);
  });

  it('counts each cancel written by outcome and by the source the store wrote', async () => {
    const { store, scrape } = await timedStore();
    await store.recordUpload(upload('upload_seen'), { at: NOW, via: 'create' });
    await store.recordCancelOutcome({ ...cancel('upload_seen'), change: { kind: 'object', upload: { ...upload('upload_seen'), status: 'cancelled' } } });
    await store.recordCancelOutcome(cancel('upload_seen', { outcome: 'already_finished', upstream_status: 400 }));
    // Never seen: the store writes it as a cancel by id.
    const written = await store.recordCancelOutcome({ ...cancel('upload_unseen', { source: 'api', outcome: 'not_found', upstream_status: 404 }), sourceIfUnseen: 'by_id' });
    expect(written?.audit.source).toBe('by_id');
    const s = await scrape();
    expect(s.series('uploads_console_cancels_total').map((x) => [x.labels.outcome, x.labels.source, x.value]).sort()).toEqual([
      ['already_finished', 'dashboard', 1],
      ['cancelled', 'dashboard', 1],
      ['not_found', 'by_id', 1],
    ]);
  });

  it('does not count a cancel the store did not write (its bulk item was already settled)', async () => {
    const { store, scrape } = await timedStore();
    await store.createJob({ id: 'bulk_1', created_by: 'alice', created_at: NOW, reason: null }, ['upload_x']);
    const [todo] = await store.jobItemsToDo('bulk_1', 0, 10);
    const item = { ...cancel('upload_x', { source: 'bulk', job_id: 'bulk_1' }), jobItem: { seq: todo!.seq } };
    expect(await store.recordCancelOutcome(item)).not.toBeNull();
    expect(await store.recordCancelOutcome(item)).toBeNull();
    expect((await scrape()).value('uploads_console_cancels_total', { outcome: 'cancelled', source: 'bulk' })).toBe(1);
  });
});
