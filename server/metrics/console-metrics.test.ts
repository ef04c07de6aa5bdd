// The collectors, on a real SQLite store: the upload gauges are read from the store when scraped
// (once a second at most), are absent rather than stale while it cannot be read, and every
// console keeps its own registry.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { ManualClock, unixSeconds } from '#server/lib/clock.ts';
import { silentLogger, type Logger } from '#server/lib/logger.ts';
import { openStore } from '#server/store/open-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { parsePrometheusText, type Scrape } from '#server/test-support/prometheus-text.ts';
import { createConsoleMetrics, SNAPSHOT_TTL_MS, type ConsoleMetrics } from './console-metrics.ts';

const STUCK_AFTER = 600;
const opened: UploadStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => {});
});

async function newStore(): Promise<UploadStore> {
  const store = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule(STUCK_AFTER) });
  opened.push(store);
  return store;
}

const scrape = async (metrics: ConsoleMetrics): Promise<Scrape> => parsePrometheusText((await metrics.render()).body);

function upload(id: string, now: number, overrides: Partial<Upload> = {}): Upload {
  const created_at = overrides.created_at ?? now - 60;
  return { id, object: 'upload', bytes: 10, created_at, expires_at: created_at + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null, ...overrides };
}

describe('the upload gauges', () => {
  it('count recorded uploads by effective status, and the stuck ones, as the store sees them now', async () => {
    const clock = new ManualClock();
    const now = unixSeconds(clock);
    const store = await newStore();
    await store.recordUpload(upload('upload_fresh', now), { at: now, via: 'create' });
    // Nothing for longer than the threshold: stuck.
    await store.recordUpload(upload('upload_stalled', now, { created_at: now - STUCK_AFTER - 60 }), { at: now - STUCK_AFTER - 60, via: 'create' });
    await store.recordUpload(upload('upload_done', now, { status: 'completed' }), { at: now, via: 'complete' });
    await store.recordUpload(upload('upload_gone', now, { status: 'cancelled' }), { at: now, via: 'cancel' });
    // Pending in the store, but past its hour: it counts as expired before any sweep marks it.
    await store.recordUpload(upload('upload_lapsed', now, { created_at: now - 4000 }), { at: now - 4000, via: 'create' });

    const metrics = createConsoleMetrics();
    metrics.watch({ store, clock, log: silentLogger });
    const s = await scrape(metrics);
    expect(s.series('uploads_console_uploads').map((x) => [x.labels.status, x.value]).sort()).toEqual([
      ['cancelled', 1],
      ['completed', 1],
      ['expired', 1],
      ['pending', 2],
    ]);
    expect(s.value('uploads_console_uploads_stuck')).toBe(1);
    expect(s.value('uploads_console_store_up')).toBe(1);
    expect(s.types.get('uploads_console_uploads')).toBe('gauge');
  });

  it('count the bulk jobs still running', async () => {
    const clock = new ManualClock();
    const store = await newStore();
    const metrics = createConsoleMetrics();
    metrics.watch({ store, clock, log: silentLogger });
    expect((await scrape(metrics)).value('uploads_console_bulk_jobs_running')).toBe(0);
    await store.createJob({ id: 'bulk_one', created_by: 'alice', created_at: unixSeconds(clock), reason: null }, ['upload_a', 'upload_b']);
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_TTL_MS + 50));
    expect((await scrape(metrics)).value('uploads_console_bulk_jobs_running')).toBe(1);
  });

  it('read the store once per second at most, however many scrapes come', async () => {
    const clock = new ManualClock();
    const store = await newStore();
    const counted = vi.spyOn(store, 'countByStatus');
    const metrics = createConsoleMetrics();
    metrics.watch({ store, clock, log: silentLogger });
    await Promise.all([scrape(metrics), scrape(metrics), scrape(metrics)]);
    await scrape(metrics);
    expect(counted).toHaveBeenCalledTimes(1);
    const now = unixSeconds(clock);
    await store.recordUpload(upload('upload_later', now), { at: now, via: 'create' });
    // Still the first read: the new upload shows after the second is up.
    expect((await scrape(metrics)).value('uploads_console_uploads', { status: 'pending' })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_TTL_MS + 50));
    expect((await scrape(metrics)).value('uploads_console_uploads', { status: 'pending' })).toBe(1);
    expect(counted).toHaveBeenCalledTimes(2);
  });

  it('are absent while the store cannot be read (store_up 0, said once in the log), and back when it can', async () => {
    const clock = new ManualClock();
    const broken = await newStore();
    await broken.close();
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (message) => warnings.push(message) };
    const metrics = createConsoleMetrics();
    metrics.watch({ store: broken, clock, log });
    for (let i = 0; i < 2; i++) {
      const s = await scrape(metrics);
      expect(s.value('uploads_console_store_up')).toBe(0);
      expect(s.series('uploads_console_uploads')).toEqual([]);
      expect(s.value('uploads_console_uploads_stuck')).toBeUndefined();
      expect(s.value('uploads_console_bulk_jobs_running')).toBeUndefined();
    }
    expect(warnings).toEqual(['metrics: could not read the store; upload gauges are absent until it answers']);
    // A failed read is not cached: the next scrape asks again.
    metrics.watch({ store: await newStore(), clock, log });
    const s = await scrape(metrics);
    expect(s.value('uploads_console_store_up')).toBe(1);
    expect(s.value('uploads_console_uploads', { status: 'pending' })).toBe(0);
  });
});

describe('the other collectors', () => {
  it('read the policies running from whatever registers a count, sync or async (absent until one does, and while it fails)', async () => {
    const metrics = createConsoleMetrics();
    const first = await scrape(metrics);
    expect(first.value('uploads_console_policies_running')).toBeUndefined();
    // No store to read yet: nothing is said about one.
    expect(first.value('uploads_console_store_up')).toBeUndefined();
    let running = 2;
    metrics.setPoliciesRunning(() => running);
    expect((await scrape(metrics)).value('uploads_console_policies_running')).toBe(2);
    running = 5;
    expect((await scrape(metrics)).value('uploads_console_policies_running')).toBe(5);
    metrics.setPoliciesRunning(async () => 1);
    expect((await scrape(metrics)).value('uploads_console_policies_running')).toBe(1);
    metrics.setPoliciesRunning(() => {
      throw new Error('the policy runner is gone');
    });
    expect((await scrape(metrics)).value('uploads_console_policies_running')).toBeUndefined();
  });

  it('count open live streams, each ending once however often it says so', async () => {
    const metrics = createConsoleMetrics();
    const first = metrics.streamOpened();
    metrics.streamOpened();
    expect((await scrape(metrics)).value('uploads_console_live_streams')).toBe(2);
    first();
    first();
    expect((await scrape(metrics)).value('uploads_console_live_streams')).toBe(1);
  });

  it('count cancels, pass-through answers and upstream calls by their labels', async () => {
    const metrics = createConsoleMetrics();
    metrics.cancelRecorded('cancelled', 'dashboard');
    metrics.cancelRecorded('cancelled', 'dashboard');
    metrics.cancelRecorded('not_found', 'pass_through');
    metrics.passThroughAnswered('/v1/uploads', 200);
    metrics.passThroughAnswered('/v1/uploads', 401);
    metrics.passThroughAnswered('/v1/uploads', 200);
    metrics.upstreamCalled('cancel', 200, 0.02);
    metrics.upstreamCalled('cancel', 'timeout', 3);
    const s = await scrape(metrics);
    expect(s.value('uploads_console_cancels_total', { outcome: 'cancelled', source: 'dashboard' })).toBe(2);
    expect(s.value('uploads_console_cancels_total', { outcome: 'not_found', source: 'pass_through' })).toBe(1);
    expect(s.value('uploads_console_pass_through_requests_total', { route: '/v1/uploads', status: '200' })).toBe(2);
    expect(s.value('uploads_console_pass_through_requests_total', { route: '/v1/uploads', status: '401' })).toBe(1);
    expect(s.types.get('uploads_console_upstream_request_duration_seconds')).toBe('histogram');
    expect(s.value('uploads_console_upstream_request_duration_seconds_count', { operation: 'cancel', status: '200' })).toBe(1);
    expect(s.value('uploads_console_upstream_request_duration_seconds_bucket', { operation: 'cancel', status: 'timeout', le: '2.5' })).toBe(0);
    expect(s.value('uploads_console_upstream_request_duration_seconds_bucket', { operation: 'cancel', status: 'timeout', le: '5' })).toBe(1);
    expect(s.value('uploads_console_upstream_request_duration_seconds_sum', { operation: 'cancel', status: 'timeout' })).toBe(3);
  });

  it('keep one registry per console, and the process metrics once in each scrape', async () => {
    const a = createConsoleMetrics();
    const b = createConsoleMetrics();
    a.cancelRecorded('cancelled', 'api');
    const [sa, sb] = [await scrape(a), await scrape(b)];
    expect(sa.value('uploads_console_cancels_total', { outcome: 'cancelled', source: 'api' })).toBe(1);
    expect(sb.series('uploads_console_cancels_total')).toEqual([]);
    for (const s of [sa, sb]) {
      expect(s.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(s.text.match(/^# TYPE process_cpu_user_seconds_total /gm)).toHaveLength(1);
      expect(s.series('nodejs_eventloop_lag_seconds')).toHaveLength(1);
    }
    expect((await a.render()).contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
