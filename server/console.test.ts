// The console's background work, built by createConsole (through the harness) with short
// intervals, and moved through time with the console's adjustable clock.
import { afterEach, describe, expect, it } from 'vitest';
import { auditListSchema, uploadRecordSchema, type UploadRecord } from '#contract/dashboard-api.ts';
import { uploadSchema, type Upload } from '#contract/uploads.ts';
import { eventually as eventuallyEvery } from '#server/test-support/eventually.ts';
import { startHarness, type Harness, type HarnessOptions } from './test-support/harness.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function start(options: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

async function create(harness: Harness, name: string): Promise<Upload> {
  const res = await harness.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: name, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
  return uploadSchema.parse(await res.json());
}

/** Polls as often as the sweeps run here (every 20 ms). */
const eventually = <T>(check: () => Promise<T>, ms = 5_000) => eventuallyEvery(check, ms, 20);

describe('the expiry sweep', () => {
  it('marks a pending upload expired once its hour is up, and tells live dashboards', async () => {
    const harness = await start({ intervals: { expirySweepMs: 20 } });
    const upload = await create(harness, 'lapses.jsonl');
    const live: UploadRecord[] = [];
    harness.feed.on('upload', (record) => live.push(record));
    await new Promise((resolve) => setTimeout(resolve, 100)); // several sweeps: nothing has lapsed yet
    expect(live).toEqual([]);
    expect((await harness.store.timeline(upload.id)).map((e) => e.kind)).toEqual(['created']);

    harness.clock.setOffsetSeconds(upload.expires_at - upload.created_at + 1);
    await eventually(async () => expect(live.map((r) => [r.upload.id, r.status])).toEqual([[upload.id, 'expired']]));
    // Marked in the store itself (not only read as expired), once.
    expect((await harness.store.timeline(upload.id)).map((e) => e.kind)).toEqual(['created', 'expired']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(live).toHaveLength(1);
  });
});

describe('the reconciler', () => {
  it('settles a doubtful cancel on its own, one round at a time however slow OpenAI is', async () => {
    const harness = await start({ timeoutMs: 300, intervals: { reconcileMs: 20 } });
    const upload = await create(harness, 'doubt.jsonl');
    // The operator's three attempts each land but answer after the timeout; after that every call
    // takes 150 ms, so a round outlasts several ticks of the 20 ms interval.
    harness.emulator.faults.add({ operation: 'cancel', delay_ms: 500, count: 3 });
    harness.emulator.faults.add({ operation: 'cancel', delay_ms: 150, count: null });
    expect((await harness.api(`/api/uploads/${upload.id}/cancel`, { method: 'POST' })).status).toBe(504);

    const record = async () => uploadRecordSchema.parse(await (await harness.api(`/api/uploads/${upload.id}`)).json());
    await eventually(async () => expect(await record()).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // more ticks: nothing is left to settle
    const entries = auditListSchema.parse(await (await harness.api(`/api/audit?upload_id=${upload.id}`)).json()).data;
    const rounds = entries.filter((e) => e.source === 'reconcile');
    // Overlapping rounds would have shared the call in flight, and said so in their entries.
    expect(rounds.map((e) => [e.actor, e.outcome, e.message])).toEqual([['console', 'cancelled', 'Confirmed by a repeated cancel: the earlier one had landed']]);
    expect(entries.at(-1)).toMatchObject({ source: 'api', outcome: 'unknown' });
  });
});

describe('stop()', () => {
  it('can be called twice at once', async () => {
    const harness = await start({ intervals: { expirySweepMs: 20, reconcileMs: 20 } });
    await Promise.all([harness.close(), harness.close()]);
    h = null;
  });
});

describe('retention', () => {
  it('removes a finished upload once RETENTION_DAYS (30 by default) have passed, and tells live dashboards the counts', async () => {
    const harness = await start({ intervals: { retentionMs: 20 } });
    const finished = await create(harness, 'done-long-ago.jsonl');
    expect((await harness.api(`/api/uploads/${finished.id}/cancel`, { method: 'POST' })).status).toBe(200);
    const counts: number[] = [];
    harness.feed.on('counts', (c) => counts.push(c.cancelled));
    await new Promise((resolve) => setTimeout(resolve, 100)); // several rounds: nothing is old yet
    expect(await harness.store.getUpload(finished.id, finished.created_at)).not.toBeNull();

    harness.clock.setOffsetSeconds(30 * 86_400 + 1);
    const young = await create(harness, 'young.jsonl');
    await eventually(async () => expect(await harness.store.getUpload(finished.id, young.created_at)).toBeNull());
    expect(await harness.store.getUpload(young.id, young.created_at)).not.toBeNull();
    await eventually(async () => expect(counts.at(-1)).toBe(0));
    const session = await (await harness.api('/api/session')).json();
    expect(session).toMatchObject({ history_days: 30, audit_history_days: 365 });
  });
});
