import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI, { toFile } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditListSchema, uploadRecordSchema, type UploadRecord } from '#contract/dashboard-api.ts';
import { uploadSchema, wrongStatusMessage, type Upload } from '#contract/uploads.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { ChangeFeed } from '#server/lib/change-feed.ts';
import { ManualClock, unixSeconds } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { openStore } from '#server/store/open-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { CLIENT_TOKEN, OPERATOR_TOKEN, SECOND_OPERATOR_TOKEN, startHarness, type Harness, type HarnessOptions } from '#server/test-support/harness.ts';
import type { UpstreamClient } from '#server/upstream/openai-client.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';
import { CancelService, CancelWithdrawn, INTERACTIVE_RETRY, retryDelay, type RetryPolicy } from './cancel-service.ts';

// ---- the service alone: a scripted upstream, a fake sleep, a real in-memory store ----------------

/** An upstream whose cancel answers come from a script: an Upload, an error to throw, or a promise. */
function scriptedUpstream(answers: (() => Promise<Upload>)[]) {
  const calls: string[] = [];
  const notUsed = () => Promise.reject(new Error('not used by cancels'));
  const upstream: UpstreamClient = {
    baseUrl: 'http://upstream.invalid/v1',
    forward: notUsed,
    createUpload: notUsed,
    addPart: notUsed,
    completeUpload: notUsed,
    cancelUpload: async (id) => {
      calls.push(id);
      const next = answers.shift();
      if (!next) throw new Error(`no scripted answer left for cancel #${calls.length}`);
      return { object: await next(), requestId: `req_${calls.length}` };
    },
    close: async () => {},
  };
  return { upstream, calls };
}

const NOW = Date.UTC(2026, 0, 1, 12);
const pendingUpload = (id: string): Upload => ({ id, object: 'upload', bytes: 10, created_at: NOW / 1000 - 60, expires_at: NOW / 1000 + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null });
const cancelled = (id: string) => async (): Promise<Upload> => ({ ...pendingUpload(id), status: 'cancelled' });
const fails = (error: UpstreamError) => async (): Promise<Upload> => {
  throw error;
};
const http = (status: number, message: string, headers: Record<string, string> = {}) => UpstreamError.answered(status, JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }), null, headers);

describe('CancelService with a scripted upstream', () => {
  let store: UploadStore;
  let feed: ChangeFeed;
  let events: UploadRecord[];
  let waits: number[];
  beforeEach(async () => {
    store = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule() });
    feed = new ChangeFeed();
    events = [];
    feed.on('upload', (record) => events.push(record));
    waits = [];
  });
  afterEach(() => store.close());

  const service = (upstream: UpstreamClient) =>
    new CancelService({ clock: new ManualClock(NOW), store, upstream, feed, log: silentLogger, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
  const seen = async (id: string) => await store.recordUpload(pendingUpload(id), { at: NOW / 1000 - 60, via: 'create' });

  it('retries 5xx with doubling backoff, then records the cancel once and tells live dashboards once', async () => {
    await seen('upload_retry');
    const { upstream, calls } = scriptedUpstream([fails(http(503, 'busy')), fails(http(502, 'bad gateway')), cancelled('upload_retry')]);
    const result = await service(upstream).cancel({ id: 'upload_retry', actor: 'alice', via: 'bearer', retry: INTERACTIVE_RETRY });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([300, 600]);
    expect(result).toMatchObject({ outcome: 'cancelled', error: null, requestId: 'req_3', record: { status: 'cancelled', cancelled_by: 'alice' } });
    expect(result.audit).toMatchObject({ source: 'api', previous_status: 'pending', outcome: 'cancelled', upstream_status: 200, request_id: 'req_3', message: null });
    expect(events.map((e) => e.status)).toEqual(['cancelled']);
  });

  it('gives up after the last attempt, keeping the last error, and changes nothing', async () => {
    await seen('upload_down');
    const { upstream, calls } = scriptedUpstream([fails(http(503, 'one')), fails(http(503, 'two')), fails(http(503, 'three'))]);
    const result = await service(upstream).cancel({ id: 'upload_down', actor: 'alice', via: 'cookie', retry: INTERACTIVE_RETRY });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([300, 600]);
    expect(result.outcome).toBe('failed');
    expect(result.error?.envelope.error.message).toBe('three');
    expect(result.record).toMatchObject({ status: 'pending', cancel_outcome_unknown: false });
    expect(result.audit).toMatchObject({ source: 'dashboard', outcome: 'failed', upstream_status: 503, message: 'three' });
    expect(events).toEqual([]);
  });

  it('does not retry an answer OpenAI meant (a 400 or 404), nor one it says not to retry', async () => {
    for (const [error, outcome] of [
      [http(404, 'No such Upload object: upload_x'), 'not_found'],
      [http(400, 'Invalid request'), 'failed'],
      [http(503, 'do not', { 'x-should-retry': 'false' }), 'failed'],
    ] as const) {
      const { upstream, calls } = scriptedUpstream([fails(error)]);
      expect((await service(upstream).cancel({ id: 'upload_x', actor: 'alice', via: 'bearer', retry: INTERACTIVE_RETRY })).outcome).toBe(outcome);
      expect(calls).toHaveLength(1);
    }
    expect(waits).toEqual([]);
  });

  it('counts a timeout then "already cancelled" as done, and says how it knows', async () => {
    await seen('upload_landed');
    const { upstream } = scriptedUpstream([fails(UpstreamError.timeout(500)), fails(http(400, wrongStatusMessage('cancel', 'cancelled')))]);
    const result = await service(upstream).cancel({ id: 'upload_landed', actor: 'alice', via: 'bearer', retry: INTERACTIVE_RETRY });
    expect(result).toMatchObject({ outcome: 'cancelled', upload: null, error: null, record: { status: 'cancelled' } });
    expect(result.audit).toMatchObject({ outcome: 'cancelled', upstream_status: 400, message: 'Confirmed by a repeated cancel: the earlier one had landed' });
    expect(events.map((e) => e.status)).toEqual(['cancelled']);
  });

  it('marks a cancel whose every attempt timed out as unknown, not failed', async () => {
    await seen('upload_doubt');
    const { upstream } = scriptedUpstream([fails(UpstreamError.timeout(500)), fails(UpstreamError.timeout(500)), fails(UpstreamError.timeout(500))]);
    const result = await service(upstream).cancel({ id: 'upload_doubt', actor: 'alice', via: 'bearer', retry: INTERACTIVE_RETRY });
    expect(result.outcome).toBe('unknown');
    expect(result.record).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    expect(await store.cancelsWithUnknownOutcome(10)).toEqual(['upload_doubt']);
    expect(events).toHaveLength(1);
  });

  it('records a cancel of an id it never saw as a cancel by id', async () => {
    const { upstream } = scriptedUpstream([cancelled('upload_elsewhere')]);
    const result = await service(upstream).cancel({ id: 'upload_elsewhere', actor: 'alice', via: 'cookie' });
    expect(result.audit).toMatchObject({ source: 'by_id', previous_status: null, outcome: 'cancelled' });
    expect(result.record).toMatchObject({ status: 'cancelled', seen_via: 'cancel' });
  });

  it('makes one upstream call for two cancels of the same upload at once; the one that joined says so', async () => {
    await seen('upload_race');
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const { upstream, calls } = scriptedUpstream([
      async () => {
        await held;
        return await cancelled('upload_race')();
      },
    ]);
    const cancels = service(upstream);
    const first = cancels.cancel({ id: 'upload_race', actor: 'alice', via: 'cookie' });
    const second = cancels.cancel({ id: 'upload_race', actor: 'bob', via: 'bearer' });
    answer();
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toHaveLength(1);
    expect([a.outcome, b.outcome]).toEqual(['cancelled', 'cancelled']);
    // Both callers get OpenAI's object; only the one that made the call recorded it.
    expect(b.upload).toEqual(a.upload);
    expect(a.audit).toMatchObject({ actor: 'alice', upstream_status: 200, request_id: 'req_1', message: null });
    expect(b.audit).toMatchObject({ actor: 'bob', upstream_status: null, request_id: 'req_1', message: 'Joined the cancel alice had in flight' });
    expect(b.record).toMatchObject({ status: 'cancelled', cancelled_by: 'alice' });
    expect(events).toHaveLength(1);
  });

  it('joins only a cancel still in flight, and only one its own service made', async () => {
    const { upstream, calls } = scriptedUpstream([cancelled('upload_again'), cancelled('upload_again'), cancelled('upload_again'), cancelled('upload_again')]);
    const cancels = service(upstream);
    const ask = (actor: string) => ({ id: 'upload_again', actor, via: 'bearer' as const });
    await cancels.cancel(ask('alice'));
    await cancels.cancel(ask('alice'));
    expect(calls).toHaveLength(2);
    // Another console's service (another process, say) knows nothing of this one's calls.
    await Promise.all([cancels.cancel(ask('alice')), service(upstream).cancel(ask('bob'))]);
    expect(calls).toHaveLength(4);
  });

  it('settles a bulk item once: a second cancel of the same item writes nothing', async () => {
    await seen('upload_item');
    const job = await store.createJob({ id: `bulk_${'a'.repeat(24)}`, created_by: 'alice', created_at: NOW / 1000, reason: null }, ['upload_item']);
    const { upstream } = scriptedUpstream([cancelled('upload_item'), fails(http(400, wrongStatusMessage('cancel', 'cancelled')))]);
    const cancels = service(upstream);
    const request = { id: 'upload_item', actor: 'alice', via: 'bulk' as const, jobItem: { jobId: job.id, seq: 1 } };
    expect((await cancels.cancel(request)).audit).toMatchObject({ source: 'bulk', job_id: job.id, outcome: 'cancelled' });
    expect((await cancels.cancel(request)).audit).toBeNull();
    expect((await store.listAudit({ limit: 10 })).data).toHaveLength(1);
  });
});

describe('CancelService: the gate and withdrawing before the call', () => {
  let store: UploadStore;
  beforeEach(async () => {
    store = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule() });
  });
  afterEach(() => store.close());
  const service = (upstream: UpstreamClient, waits: number[] = []) =>
    new CancelService({ clock: new ManualClock(NOW), store, upstream, feed: new ChangeFeed(), log: silentLogger, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });

  it('waits for the gate before each call, and closes it for everyone on a 429', async () => {
    const { upstream, calls } = scriptedUpstream([fails(http(429, 'slow down', { 'retry-after-ms': '1500' })), cancelled('upload_g')]);
    const closed: number[] = [];
    let open = 400;
    const gate = { waitMs: async () => open, closeFor: async (ms: number) => void closed.push(ms) };
    const order: string[] = [];
    const waits: number[] = [];
    const result = await service(upstream, waits).cancel({
      id: 'upload_g',
      actor: 'alice',
      via: 'bulk',
      jobItem: { jobId: 'job_none', seq: 1 },
      retry: { attempts: 3, baseDelayMs: 10, maxWaitMs: 5_000 },
      gate,
      beforeCall: async () => {
        order.push(`before call ${calls.length + 1}`);
        open = 0;
      },
    });
    expect(result.outcome).toBe('cancelled');
    expect(calls).toHaveLength(2);
    // The gate's wait, then the 429's own retry-after (which closed the gate for the others too).
    expect(waits).toEqual([400, 1500]);
    expect(closed).toEqual([1500]);
    expect(order).toEqual(['before call 1', 'before call 2']);
  });

  it('a cancel withdrawn before its call makes none and writes nothing; a cancel that had joined it makes its own', async () => {
    await store.recordUpload(pendingUpload('upload_w'), { at: NOW / 1000 - 60, via: 'create' });
    const { upstream, calls } = scriptedUpstream([cancelled('upload_w')]);
    const cancels = service(upstream);
    let withdraw!: () => void;
    const held = new Promise<void>((resolve) => (withdraw = resolve));
    const bulk = cancels.cancel({
      id: 'upload_w',
      actor: 'alice',
      via: 'bulk',
      jobItem: { jobId: 'job_none', seq: 1 },
      beforeCall: async () => {
        await held;
        throw new CancelWithdrawn('the lease ran out');
      },
    });
    // An operator's click while the bulk cancel is about to go: it joins that flight...
    const click = cancels.cancel({ id: 'upload_w', actor: 'bob', via: 'cookie' });
    withdraw();
    await expect(bulk).rejects.toBeInstanceOf(CancelWithdrawn);
    // ...which is withdrawn, so it makes the call itself and its entry is its own, not a joiner's.
    const result = await click;
    expect(calls).toEqual(['upload_w']);
    expect(result).toMatchObject({ outcome: 'cancelled', record: { status: 'cancelled', cancelled_by: 'bob' } });
    expect((await store.listAudit({ limit: 10 })).data.map((e) => [e.actor, e.source, e.upstream_status, e.message])).toEqual([['bob', 'dashboard', 200, null]]);
  });
});

describe('retryDelay', () => {
  const policy: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxWaitMs: 10_000 };
  it('waits what OpenAI asks (retry-after-ms before retry-after), else doubles with jitter, and never past the limit', () => {
    expect(retryDelay(http(429, 'slow down', { 'retry-after-ms': '1500', 'retry-after': '9' }), 1, policy)).toBe(1500);
    expect(retryDelay(http(429, 'slow down', { 'retry-after': '2' }), 1, policy)).toBe(2000);
    expect([1, 2, 3].map((attempt) => retryDelay(http(500, 'oops'), attempt, policy, () => 0))).toEqual([75, 150, 300]);
    expect([1, 2, 3].map((attempt) => retryDelay(http(500, 'oops'), attempt, policy, () => 0.999_999))).toEqual([125, 250, 500].map((n) => expect.closeTo(n, 3)));
    expect(retryDelay(UpstreamError.unreachable('connection reset'), 1, policy, () => 0.5)).toBe(100);
    expect(retryDelay(http(429, 'later', { 'retry-after': '11' }), 1, policy)).toBeNull();
    expect(retryDelay(http(409, 'conflict'), 1, policy)).toBeNull();
  });
});

// ---- through the whole console: the real emulator, over HTTP -----------------------------------

let h: Harness;
const fresh = (options: HarnessOptions = {}) => {
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: 500, ...options });
  });
  afterEach(() => h.close());
};

async function create(name: string, bytes = 10): Promise<Upload> {
  const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: name, purpose: 'batch', bytes, mime_type: 'application/jsonl' }) });
  return uploadSchema.parse(await res.json());
}
const as = async (token: string, path: string) => await h.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
const record = async (id: string) => uploadRecordSchema.parse(await (await h.api(`/api/uploads/${id}`)).json());
const auditOf = async (id: string) => auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${id}`)).json()).data;
/** Lets cancels the emulator is still holding (delay_ms) land before the next step. */
const letDelayedCancelsLand = () => new Promise((resolve) => setTimeout(resolve, 800));

describe('concurrent cancels', () => {
  fresh({ listen: true });

  it('two operators cancelling the same upload at once make one upstream call, and the audit says so', async () => {
    const upload = await create('race.jsonl');
    // Slow enough that the second click arrives while the first call is out.
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 200 });
    const [a, b] = await Promise.all([as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`), as(SECOND_OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`)]);
    // Had both reached the upstream, the second would have been told "Cannot cancel … 'cancelled'".
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await record(upload.id)).status).toBe('cancelled');
    const entries = await auditOf(upload.id);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.outcome === 'cancelled')).toBe(true);
    const joined = entries.filter((e) => e.message?.startsWith('Joined the cancel'));
    expect(joined).toHaveLength(1);
    expect(joined[0]!.upstream_status).toBeNull();
    expect(entries.filter((e) => e.upstream_status === 200)).toHaveLength(1);
  });

  it('a cancel racing a completion through the pass-through ends in one consistent state', async () => {
    const sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
    for (let round = 0; round < 6; round++) {
      const upload = await create(`complete-or-cancel-${round}.jsonl`, 4);
      const part = await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('abcd'), 'p') });
      const [completed, cancelled] = await Promise.allSettled([
        sdk.uploads.complete(upload.id, { part_ids: [part.id] }),
        as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`).then((r) => r.status),
      ]);
      const final = await record(upload.id);
      const completeWon = completed.status === 'fulfilled';
      const cancelWon = cancelled.status === 'fulfilled' && cancelled.value === 200;
      expect(completeWon !== cancelWon).toBe(true); // exactly one of them happened upstream
      expect(final.status).toBe(completeWon ? 'completed' : 'cancelled');
      const entries = await auditOf(upload.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.outcome).toBe(completeWon ? 'already_finished' : 'cancelled');
    }
  });
});

describe('a cancel whose outcome is unknown', () => {
  fresh();

  it('marks the row as such, not cancelled or pending, and the reconciler settles it', async () => {
    const upload = await create('unknown.jsonl');
    // Every attempt lands upstream but answers after the proxy's timeout.
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    const res = await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    expect(res.status).toBe(504);
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    expect((await auditOf(upload.id))[0]).toMatchObject({ outcome: 'unknown' });
    await letDelayedCancelsLand();
    h.emulator.faults.clear();
    expect(await h.reconcile()).toBe(1);
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false });
    expect((await auditOf(upload.id))[0]).toMatchObject({ actor: 'console', source: 'reconcile', outcome: 'cancelled' });
  });

  it('a timeout followed by server errors ends as unknown, not failed, and the row says so', async () => {
    const upload = await create('timeout-then-500.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700 }); // lands, but answers too late
    h.emulator.faults.add({ operation: 'cancel', status: 500, count: 5 });
    const res = await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    expect(res.status).toBe(500);
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    expect((await auditOf(upload.id))[0]!.outcome).toBe('unknown');
  });

  it('an outage during reconciliation keeps the doubt; the next round settles it', async () => {
    const upload = await create('reconcile-outage.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    await letDelayedCancelsLand();
    h.emulator.faults.clear();
    h.emulator.faults.add({ operation: 'cancel', status: 503, count: null });
    expect(await h.reconcile()).toBe(0);
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    h.emulator.faults.clear();
    expect(await h.reconcile()).toBe(1);
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false });
  }, 20_000);

  it('a definitive refusal during reconciliation clears the doubt without changing the status', async () => {
    const upload = await create('reconcile-404.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    await letDelayedCancelsLand();
    h.emulator.faults.clear();
    h.emulator.faults.add({ operation: 'cancel', status: 404, message: `No such Upload object: ${upload.id}` });
    expect(await h.reconcile()).toBe(1);
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancel_outcome_unknown: false });
    expect((await auditOf(upload.id))[0]).toMatchObject({ source: 'reconcile', outcome: 'not_found', upstream_status: 404 });
  }, 20_000);

  it('the expiry sweep leaves a doubtful row to the reconciler, which settles it once', async () => {
    const upload = await create('doubt-then-expiry.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    await letDelayedCancelsLand();
    h.emulator.faults.clear();
    const later = unixSeconds(h.clock) + 4000;
    expect((await h.store.expireLapsed(later, 100)).map((r) => r.upload.id)).not.toContain(upload.id);
    expect(await h.reconcile()).toBe(1);
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false });
    expect(await h.store.cancelsWithUnknownOutcome(50)).toEqual([]);
  }, 20_000);
});

describe('when the store cannot write a cancel down', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'uc-cancel-write-'));
    h = await startHarness({ databasePath: join(dir, 'console.sqlite') });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps neither the status change nor the audit entry, and still tells the operator what OpenAI did', async () => {
    const upload = await create('unrecordable.jsonl');
    const events: UploadRecord[] = [];
    h.feed.on('upload', (r) => events.push(r));
    // A real failure inside the store's transaction: the audit insert is refused after the upload changed.
    const db = new Database(join(dir, 'console.sqlite'));
    db.exec("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    db.close();
    const res = await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    // OpenAI did cancel it: the answer says so, with OpenAI's own object.
    expect(res.status).toBe(200);
    expect(uploadSchema.parse(await res.json())).toMatchObject({ id: upload.id, status: 'cancelled' });
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancelled_by: null });
    expect(await auditOf(upload.id)).toEqual([]);
    expect((await h.store.timeline(upload.id)).map((e) => e.kind)).toEqual(['created']);
    expect(events).toEqual([]);
  });
});
