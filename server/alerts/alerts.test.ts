// Alerts against a real local webhook receiver (an HTTP server in the test), on a real SQLite
// store, with a manual clock for what is stuck and when a retry is due.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { ManualClock, unixSeconds } from '#server/lib/clock.ts';
import { silentLogger, type Logger } from '#server/lib/logger.ts';
import { openSqliteStore, type SqliteUploadStore } from '#server/store/sqlite/sqlite-store.ts';
import { PolicyRunner } from '#server/policies/policy-runner.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { startHarness, type Harness } from '#server/test-support/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#server/test-support/webhook-receiver.ts';
import { createAlerts, redactWebhookUrl, type Alerts, type AlertTiming } from './alerts.ts';

const CONSOLE = 'https://console.example.com';

function capturingLogger(lines: string[]): Logger {
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  return { info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('alerts', () => {
  let clock: ManualClock;
  let store: SqliteUploadStore;
  let receiver: WebhookReceiver;
  let alerts: Alerts | null;
  let lines: string[];

  const start = (threshold: number, timing: AlertTiming = {}, url = receiver.url) => {
    alerts = createAlerts({ store, clock, wallClock: clock, log: capturingLogger(lines), owner: 'replica_a' }, { webhookUrl: url, stuckThreshold: threshold }, timing);
    alerts.setConsoleUrl(CONSOLE);
    return alerts;
  };
  /** A pending upload that has had no part for 1,000 s (stuck after 600). */
  const stuckUpload = (id: string) => {
    const at = unixSeconds(clock) - 1000;
    const upload: Upload = { id, object: 'upload', bytes: 100, created_at: at, expires_at: at + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null };
    return store.recordUpload(upload, { at, via: 'create' });
  };
  const cancel = async (id: string) => {
    const record = (await store.getUpload(id, unixSeconds(clock)))!;
    await store.recordUpload({ ...record.upload, status: 'cancelled' }, { at: unixSeconds(clock), via: 'cancel', actor: 'alice' });
  };

  beforeEach(async () => {
    clock = new ManualClock();
    store = openSqliteStore(':memory:', createStuckRule(600));
    receiver = await startWebhookReceiver();
    alerts = null;
    lines = [];
  });
  afterEach(async () => {
    await alerts?.stop();
    await receiver.close();
    await store.close();
  });

  it('sends one message when the stuck count rises above the threshold and one when it falls back', async () => {
    const a = start(2);
    for (const id of ['upload_1', 'upload_2']) await stuckUpload(id);
    await a.checkStuck();
    await a.deliverDue();
    expect(receiver.received).toEqual([]); // 2 is not above 2; "below" was the state already

    await stuckUpload('upload_3');
    await a.checkStuck();
    await a.checkStuck();
    await a.deliverDue();
    await a.deliverDue();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.text).toBe(`Uploads Console: 3 uploads stuck, above the alert threshold of 2. Open the Stuck view: ${CONSOLE}/?stuck=true`);
    expect(receiver.received[0]!.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: `:warning: *3 uploads stuck*, above the alert threshold of 2. <${CONSOLE}/?stuck=true|Open the Stuck view>` } },
    ]);

    await cancel('upload_1');
    await a.checkStuck();
    await a.checkStuck();
    await a.deliverDue();
    expect(receiver.received.map((m) => m.text)).toEqual([
      expect.stringContaining('3 uploads stuck'),
      `Uploads Console: stuck uploads are back to 2, at or below the alert threshold of 2. Open the Stuck view: ${CONSOLE}/?stuck=true`,
    ]);
    await a.deliverDue();
    expect(receiver.received).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('info alert:'))).toHaveLength(2);
  });

  it('keeps the state in the store: a restarted console does not announce the same rise again', async () => {
    for (const id of ['upload_1', 'upload_2']) await stuckUpload(id);
    await start(1).checkStuck();
    await alerts!.deliverDue();
    await alerts!.stop();
    await start(1).checkStuck();
    await alerts!.deliverDue();
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a failing webhook with exponential backoff until it takes the message, then never again', async () => {
    receiver.answer = (nth) => (nth <= 2 ? { status: 500 } : { status: 200 });
    const a = start(100, { firstDelayMs: 1000 });
    await a.policyRun({ policy_name: 'abandoned > 1h', matched: 40, cancelled: 37, failed: 3, job_id: 'job_1' });
    await a.deliverDue();
    expect(receiver.answered).toEqual([500]);
    await a.deliverDue();
    expect(receiver.answered).toEqual([500]); // not due yet

    clock.advanceSeconds(1);
    await a.deliverDue();
    expect(receiver.answered).toEqual([500, 500]);
    clock.set(clock.now() + 1999);
    await a.deliverDue();
    expect(receiver.answered).toEqual([500, 500]); // the second wait is 2 s
    clock.set(clock.now() + 1);
    await a.deliverDue();
    expect(receiver.answered).toEqual([500, 500, 200]);

    clock.advanceSeconds(3600);
    await a.deliverDue();
    // One run, one message, however often it is reported.
    await a.policyRun({ policy_name: 'abandoned > 1h', matched: 40, cancelled: 37, failed: 3, job_id: 'job_1' });
    await a.deliverDue();
    expect(receiver.answered).toEqual([500, 500, 200]);
    expect(new Set(receiver.received.map((m) => JSON.stringify(m))).size).toBe(1);
    expect(receiver.received[0]!.text).toBe(
      `Uploads Console: policy "abandoned &gt; 1h" cancelled 37 uploads (40 matched, 3 failed). See its cancels in the audit log: ${CONSOLE}/audit?job_id=job_1`,
    );
    expect(JSON.stringify(receiver.received[0]!.blocks)).toContain('Policy *abandoned &gt; 1h* cancelled');
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([
      'warn alert webhook: attempt 1 failed (HTTP 500); trying again in 1 s ',
      'warn alert webhook: attempt 2 failed (HTTP 500); trying again in 2 s ',
    ]);
  });

  it("honours a 429's Retry-After, gives up on a hook that is gone, and sends nothing for a run that cancelled nothing", async () => {
    receiver.answer = (nth) => (nth === 1 ? { status: 429, headers: { 'retry-after': '30' } } : nth === 2 ? { status: 200 } : { status: 404 });
    const a = start(100);
    await a.policyRun({ policy_name: 'p', matched: 3, cancelled: 0, failed: 0, job_id: 'job_nothing' });
    await a.policyRun({ policy_name: 'p', matched: 3, cancelled: 3, failed: 0, job_id: 'job_1' });
    await a.deliverDue();
    clock.advanceSeconds(29);
    await a.deliverDue();
    expect(receiver.answered).toEqual([429]);
    clock.advanceSeconds(1);
    await a.deliverDue();
    expect(receiver.answered).toEqual([429, 200]);

    await a.policyRun({ policy_name: 'p', matched: 1, cancelled: 1, failed: 0, job_id: 'job_2' });
    await a.deliverDue();
    clock.advanceSeconds(86_400);
    await a.deliverDue();
    expect(receiver.answered).toEqual([429, 200, 404]);
    expect(lines.filter((l) => l.startsWith('error'))).toEqual(['error alert webhook: gave up on a message after 1 attempt(s): HTTP 404 ']);
  });

  it('never holds up the console: a webhook that does not answer times out while checks and writes go on', async () => {
    receiver.answer = (nth) => (nth === 1 ? 'hang' : { status: 200 });
    const a = start(0, { timeoutMs: 300 });
    const order: string[] = [];
    await a.policyRun({ policy_name: 'p', matched: 1, cancelled: 1, failed: 0, job_id: 'job_1' });
    const delivery = a.deliverDue().then((sent) => (order.push('delivery'), sent));
    await stuckUpload('upload_1');
    await a.checkStuck();
    await a.policyRun({ policy_name: 'p', matched: 1, cancelled: 1, failed: 0, job_id: 'job_2' });
    order.push('check and writes');
    expect(await delivery).toBe(2); // the two queued meanwhile went out in the same round; the first timed out
    expect(order).toEqual(['check and writes', 'delivery']);
    expect(lines).toContain('warn alert webhook: attempt 1 failed (no answer within 300 ms); trying again in 1 s ');
    clock.advanceSeconds(1);
    await a.deliverDue();
    expect(receiver.received).toHaveLength(4);
    expect(receiver.answered).toEqual([200, 200, 200]);
    // Its webhook waits out a 300 ms timeout and two rounds: on a loaded CI machine that passed the default 5 s once.
  }, 20_000);

  it('never writes the webhook URL, or its secret path, into a log or the store', async () => {
    await receiver.close(); // nothing listens there any more: every attempt fails to connect
    const withCredentials = `${receiver.url.replace('http://', 'http://user:hunter2-password@')}?token=query-secret-123`;
    for (const url of [receiver.url, withCredentials]) {
      const a = start(0, { maxAttempts: 2, firstDelayMs: 10 }, url);
      await a.policyRun({ policy_name: 'p', matched: 1, cancelled: 1, failed: 0, job_id: `job_${url.length}` });
      await a.deliverDue();
      clock.advanceSeconds(1);
      await a.deliverDue();
      await a.stop();
    }
    const stored = store.withDatabase((db) => db.prepare('SELECT last_error FROM alert_outbox').pluck().all() as string[]);
    expect(stored.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('error alert webhook: gave up'))).toBe(true);
    expect(stored).toEqual(['fetch failed (ECONNREFUSED)', expect.stringContaining('credentials')]);
    for (const text of [...lines, ...stored]) {
      for (const secret of [receiver.secret, 'hunter2-password', 'query-secret-123', '/services/T000']) expect(text).not.toContain(secret);
    }
  });

  it('redacts the URL and each secret part of it from any text', () => {
    const url = 'https://ops:pa55word@hooks.example.com/services/T1/B2/XyZsecret?token=abc123';
    const text = `request to ${url} failed; path /services/T1/B2/XyZsecret; user ops pa55word; query ?token=abc123`;
    const redacted = redactWebhookUrl(text, url);
    for (const secret of ['XyZsecret', 'pa55word', 'abc123']) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('failed');
  });
});

describe('alerts in the console', () => {
  let h: Harness | null = null;
  let receiver: WebhookReceiver;
  afterEach(async () => {
    await h?.close();
    await receiver.close();
  });

  it('sends the stuck rise on its own, and the webhook URL is in no response', async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({
      publicOrigin: 'https://console.example.com',
      stuckAfterSeconds: 3,
      alerts: { webhookUrl: receiver.url, stuckThreshold: 0 },
      intervals: { alertCheckMs: 20, alertDeliverMs: 20 },
    });
    const created = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'stalls.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
    expect(created.status).toBe(200);
    h.clock.setOffsetSeconds(5);
    for (let i = 0; i < 250 && receiver.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(receiver.received.map((m) => m.text)).toEqual([
      'Uploads Console: 1 upload stuck, above the alert threshold of 0. Open the Stuck view: https://console.example.com/?stuck=true',
    ]);
    for (const path of ['/api/session', '/api/uploads', '/api/uploads?stuck=true', '/api/audit', '/healthz', '/readyz', '/api/openapi.json']) {
      const text = await (await h.api(path)).text();
      expect(text).not.toContain(receiver.secret);
      expect(text).not.toContain(receiver.url);
    }
  });

  it("queues a policy run's message before marking the run finished: a failed queue or a stop in between loses nothing, and it goes out once", async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({ alerts: { webhookUrl: receiver.url, stuckThreshold: 1000 } });
    const harness = h;
    for (const name of ['old-1', 'old-2']) {
      const res = await harness.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: `${name}.jsonl`, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
      expect(res.status).toBe(200);
    }
    harness.clock.setOffsetSeconds(30 * 60);
    expect((await harness.api('/api/policies', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'old ones', older_than_minutes: 20 }) })).status).toBe(201);
    const open = () => harness.store.policies.unfinishedPolicyRuns();

    // 1. The replica that sees the job done cannot queue the message (the database hiccups): the run stays open.
    const enqueue = vi.spyOn(harness.store, 'enqueueAlert').mockRejectedValueOnce(new Error('database unavailable'));
    expect((await harness.policyRunner.tick())?.runs).toHaveLength(1);
    await harness.runner.idle();
    await eventually(() => expect(enqueue).toHaveBeenCalledTimes(1));
    expect(await open()).toHaveLength(1);
    expect(receiver.received).toEqual([]);

    // 2. The next try queues it, then the process stops before the run is marked finished.
    vi.spyOn(harness.store.policies, 'finishPolicyRun').mockRejectedValueOnce(new Error('process stopped'));
    await expect(harness.policyRunner.tick()).rejects.toThrow('process stopped');
    expect(await open()).toHaveLength(1);
    await eventually(() => expect(receiver.received).toHaveLength(1));

    // 3. Another replica (or this one restarted) finishes the run: queued again, sent once; told once.
    const replica = new PolicyRunner({ store: harness.store, clock: harness.clock, feed: harness.feed, log: silentLogger, bulk: harness.runner }, { intervalSeconds: 60, tickMs: null });
    replica.beforeRunFinished = harness.policyRunner.beforeRunFinished;
    const told: string[] = [];
    replica.onRunFinished = (run) => told.push(run.job_id);
    await replica.tick();
    await harness.policyRunner.tick();
    expect(await open()).toEqual([]);
    expect(told).toHaveLength(1);
    expect(enqueue).toHaveBeenCalledTimes(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received.map((m) => m.text)).toEqual([expect.stringContaining('Uploads Console: policy "old ones" cancelled 2 uploads (2 matched).')]);
  });
});
