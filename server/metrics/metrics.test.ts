// GET /metrics on a running console, scraped over real HTTP as Prometheus would, while the real
// `openai` SDK sends traffic through the pass-through to the emulator: the counters, histograms
// and gauges move with it. And the endpoint's doors: 401 without or with a wrong token, 404 when
// no METRICS_TOKEN is configured, the real server (server/index.ts) reading it from its environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { CLIENT_TOKEN, OPERATOR_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { parsePrometheusText, type Scrape } from '#server/test-support/prometheus-text.ts';
import { PASS_THROUGH_ROUTES } from './console-metrics.ts';
import { serverSentEventParser } from '#server/test-support/server-sent-events.ts';
import { freePort, startServerProcess } from '#server/test-support/server-process.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const STUCK_AFTER = 600;

async function scrapeOver(origin: string, token = METRICS_TOKEN): Promise<Scrape> {
  const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return parsePrometheusText(await res.text());
}

describe('a running console, scraped while SDK traffic flows', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ listen: true, metricsToken: METRICS_TOKEN, stuckAfterSeconds: STUCK_AFTER, bulkConcurrency: 1 });
  });
  afterAll(() => h.close());

  it('shows the uploads, cancels, pass-through requests, upstream and store timings changing', async () => {
    const before = await scrapeOver(h.origin);
    const delta = (after: Scrape, name: string, labels: Record<string, string>) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(before.value('uploads_console_uploads', { status: 'pending' })).toBe(0);
    expect(before.value('uploads_console_store_up')).toBe(1);
    expect(before.value('process_resident_memory_bytes')).toBeGreaterThan(0);

    const sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
    const spec = (filename: string) => ({ filename, purpose: 'batch' as const, bytes: 4, mime_type: 'application/jsonl' });
    const done = await sdk.uploads.create(spec('done.jsonl'));
    const part = await sdk.uploads.parts.create(done.id, { data: await toFile(Buffer.from('abcd'), 'part') });
    await sdk.uploads.complete(done.id, { part_ids: [part.id] });
    const byClient = await sdk.uploads.create(spec('client-cancels.jsonl'));
    await sdk.uploads.cancel(byClient.id);
    // Cancelled again: OpenAI answers 400, and the console records that too.
    await expect(sdk.uploads.cancel(byClient.id)).rejects.toMatchObject({ status: 400 });
    const byOperator = await sdk.uploads.create(spec('operator-cancels.jsonl'));
    const operatorCancel = await fetch(`${h.origin}/api/uploads/${byOperator.id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(operatorCancel.status).toBe(200);
    const left = await sdk.uploads.create(spec('left-pending.jsonl'));
    await expect(new OpenAI({ apiKey: 'not-a-client-token-0123456789', baseURL: `${h.origin}/v1`, maxRetries: 0 }).uploads.create(spec('refused.jsonl'))).rejects.toMatchObject({ status: 401 });

    // The upload gauges are read from the store at most once a second: wait for the new read.
    const after = await eventually(async () => {
      const s = await scrapeOver(h.origin);
      expect(s.value('uploads_console_uploads', { status: 'pending' })).toBe(1);
      return s;
    }, 5_000, 200);
    expect(after.value('uploads_console_uploads', { status: 'completed' })).toBe(1);
    expect(after.value('uploads_console_uploads', { status: 'cancelled' })).toBe(2);
    expect(after.value('uploads_console_uploads', { status: 'expired' })).toBe(0);
    expect(after.value('uploads_console_uploads_stuck')).toBe(0);

    const requests = 'uploads_console_pass_through_requests_total';
    expect(delta(after, requests, { route: '/v1/uploads', status: '200' })).toBe(4);
    expect(delta(after, requests, { route: '/v1/uploads', status: '401' })).toBe(1);
    expect(delta(after, requests, { route: '/v1/uploads/:upload_id/parts', status: '200' })).toBe(1);
    expect(delta(after, requests, { route: '/v1/uploads/:upload_id/complete', status: '200' })).toBe(1);
    expect(delta(after, requests, { route: '/v1/uploads/:upload_id/cancel', status: '200' })).toBe(1);
    expect(delta(after, requests, { route: '/v1/uploads/:upload_id/cancel', status: '400' })).toBe(1);
    // Route templates only, never a concrete id.
    for (const series of after.series(requests)) expect(PASS_THROUGH_ROUTES).toContain(series.labels.route);

    const cancels = 'uploads_console_cancels_total';
    expect(delta(after, cancels, { outcome: 'cancelled', source: 'pass_through' })).toBe(1);
    expect(delta(after, cancels, { outcome: 'already_finished', source: 'pass_through' })).toBe(1);
    expect(delta(after, cancels, { outcome: 'cancelled', source: 'api' })).toBe(1);

    const upstream = 'uploads_console_upstream_request_duration_seconds_count';
    expect(delta(after, upstream, { operation: 'create', status: '200' })).toBe(4);
    expect(delta(after, upstream, { operation: 'parts', status: '200' })).toBe(1);
    expect(delta(after, upstream, { operation: 'complete', status: '200' })).toBe(1);
    // One through the pass-through, one the operator's.
    expect(delta(after, upstream, { operation: 'cancel', status: '200' })).toBe(2);
    expect(delta(after, upstream, { operation: 'cancel', status: '400' })).toBe(1);
    expect(delta(after, 'uploads_console_upstream_request_duration_seconds_sum', { operation: 'create', status: '200' })).toBeGreaterThan(0);

    const store = 'uploads_console_store_query_duration_seconds_count';
    expect(delta(after, store, { method: 'recordUpload' })).toBeGreaterThanOrEqual(5);
    expect(delta(after, store, { method: 'recordPart' })).toBe(1);
    expect(delta(after, store, { method: 'recordCancelOutcome' })).toBe(3);

    // Ten minutes on without a part: the one left pending is stuck.
    h.clock.setOffsetSeconds(STUCK_AFTER + 60);
    try {
      await eventually(async () => expect((await scrapeOver(h.origin)).value('uploads_console_uploads_stuck')).toBe(1), 5_000, 200);
    } finally {
      h.clock.setOffsetSeconds(0);
    }
    expect(left.status).toBe('pending');
  });

  it('counts the live streams open, and the bulk jobs running until they finish', async () => {
    const abort = new AbortController();
    const res = await fetch(`${h.origin}/api/events`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, signal: abort.signal });
    const reader = res.body!.getReader();
    const parse = serverSentEventParser();
    expect(parse((await reader.read()).value!).map((e) => e.event)).toContain('ready');
    expect((await scrapeOver(h.origin)).value('uploads_console_live_streams')).toBe(1);
    abort.abort();
    await eventually(async () => expect((await scrapeOver(h.origin)).value('uploads_console_live_streams')).toBe(0));

    const sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
    const ids = [(await sdk.uploads.create({ filename: 'bulk-1.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' })).id];
    ids.push((await sdk.uploads.create({ filename: 'bulk-2.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' })).id);
    // Slow cancels keep the job running for a while.
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 800, count: 2 });
    const started = await fetch(`${h.origin}/api/bulk-cancels`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
    expect(started.status).toBe(202);
    await eventually(async () => expect((await scrapeOver(h.origin)).value('uploads_console_bulk_jobs_running')).toBe(1), 5_000, 100);
    const finished = await eventually(async () => {
      const s = await scrapeOver(h.origin);
      expect(s.value('uploads_console_bulk_jobs_running')).toBe(0);
      return s;
    }, 10_000, 200);
    expect(finished.value('uploads_console_cancels_total', { outcome: 'cancelled', source: 'bulk' })).toBe(2);
    // The two slowed cancels fall above the 0.5 s bucket.
    expect(finished.value('uploads_console_upstream_request_duration_seconds_bucket', { operation: 'cancel', status: '200', le: '0.5' })).toBeLessThanOrEqual(
      finished.value('uploads_console_upstream_request_duration_seconds_count', { operation: 'cancel', status: '200' })! - 2,
    );
  }, 20_000);

  it('answers 401 in the error envelope without the token, or with a wrong one', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: '' }, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: `Bearer ${OPERATOR_TOKEN}` }, { authorization: `Basic ${METRICS_TOKEN}` }]) {
      const res = await fetch(`${h.origin}/metrics`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      const body = errorEnvelopeSchema.parse(await res.json());
      expect(body.error.code).toMatch(/^(missing|invalid)_metrics_token$/);
      expect(JSON.stringify(body)).not.toContain(METRICS_TOKEN);
    }
  });
});

describe('without METRICS_TOKEN', () => {
  it('is off: /metrics answers 404 like any unknown URL, and nothing is wrapped or counted', async () => {
    const h = await startHarness({ listen: true });
    try {
      const res = await fetch(`${h.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(404);
      expect(errorEnvelopeSchema.parse(await res.json()).error.message).toBe('Invalid URL (GET /metrics)');
      expect(h.metrics).toBeNull();
    } finally {
      await h.close();
    }
  });
});

describe('the real server', () => {
  it('reads METRICS_TOKEN from its environment', async () => {
    // The emulator's state in a folder of its own (by default it would sit beside DATABASE_PATH, here the working directory).
    const dir = mkdtempSync(join(tmpdir(), 'uc-metrics-server-'));
    const server = await startServerProcess({ DATABASE_PATH: ':memory:', EMULATOR_DATA_DIR: dir, ADMIN_TOKEN: OPERATOR_TOKEN, CLIENT_TOKENS: `sdk:${CLIENT_TOKEN}`, METRICS_TOKEN }, await freePort());
    try {
      expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
      const s = await scrapeOver(server.origin);
      expect(s.value('uploads_console_store_up')).toBe(1);
      expect(server.output()).toContain(`metrics: ${server.origin}/metrics for Prometheus`);
      expect(server.output()).not.toContain(METRICS_TOKEN);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
