import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { uploadSchema, type Upload } from '#contract/uploads.ts';
import { CLIENT_TOKEN, OPERATOR_TOKEN, SECOND_OPERATOR_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { reconcileUnknownCancels } from './reconcile-unknown-cancels.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ listen: true, timeoutMs: 500 });
});
afterAll(() => h.close());
afterEach(() => h.emulator.faults.clear());

async function create(name: string, bytes = 10): Promise<Upload> {
  const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: name, purpose: 'batch', bytes, mime_type: 'application/jsonl' }) });
  return uploadSchema.parse(await res.json());
}
const as = async (token: string, path: string) => await h.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
const record = async (id: string) => uploadRecordSchema.parse(await (await h.api(`/api/uploads/${id}`)).json());
const auditOf = async (id: string) => auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${id}`)).json()).data;

describe('concurrent cancels', () => {
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
  it('marks the row as such, not cancelled or pending, and the reconciler settles it', async () => {
    const upload = await create('unknown.jsonl');
    // Every attempt lands upstream but answers after the proxy's timeout.
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    const res = await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    expect(res.status).toBe(504);
    const marked = await record(upload.id);
    expect(marked).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    expect((await auditOf(upload.id))[0]).toMatchObject({ outcome: 'unknown' });
    await new Promise((resolve) => setTimeout(resolve, 800)); // let the delayed cancels land
    h.emulator.faults.clear();
    expect(await reconcileUnknownCancels({ clock: h.clock, store: h.store, upstream: h.upstream, feed: h.feed, log: { info() {}, warn() {}, error() {} } })).toBe(1);
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false });
    const entries = await auditOf(upload.id);
    expect(entries[0]).toMatchObject({ actor: 'console', source: 'reconcile', outcome: 'cancelled' });
  }, 15_000);
});

describe('when a cancel may have landed (review findings)', () => {
  const deps = () => ({ clock: h.clock, store: h.store, upstream: h.upstream, feed: h.feed, log: { info() {}, warn() {}, error() {} } });

  it('a timeout followed by server errors ends as unknown, not failed, and the row says so', async () => {
    const upload = await create('timeout-then-500.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700 }); // lands, but answers too late
    h.emulator.faults.add({ operation: 'cancel', status: 500, count: 5 });
    const res = await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    expect(res.status).toBe(500);
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    expect((await auditOf(upload.id))[0]!.outcome).toBe('unknown');
    await new Promise((resolve) => setTimeout(resolve, 400));
  }, 15_000);

  it('an outage during reconciliation keeps the doubt; the next round settles it', async () => {
    const upload = await create('reconcile-outage.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    await new Promise((resolve) => setTimeout(resolve, 800));
    h.emulator.faults.clear();
    h.emulator.faults.add({ operation: 'cancel', status: 503, count: null });
    await reconcileUnknownCancels(deps());
    expect(await record(upload.id)).toMatchObject({ status: 'pending', cancel_outcome_unknown: true });
    h.emulator.faults.clear();
    await reconcileUnknownCancels(deps());
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false });
  }, 20_000);

  it('the expiry sweep leaves a doubtful row to the reconciler, which settles it once', async () => {
    const upload = await create('doubt-then-expiry.jsonl');
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 700, count: 3 });
    await as(OPERATOR_TOKEN, `/api/uploads/${upload.id}/cancel`);
    await new Promise((resolve) => setTimeout(resolve, 800));
    h.emulator.faults.clear();
    const later = Math.floor(h.clock.now() / 1000) + 4000;
    expect((await h.store.expireLapsed(later, 100)).map((r) => r.upload.id)).not.toContain(upload.id);
    expect(await reconcileUnknownCancels(deps())).toBeGreaterThanOrEqual(1);
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancel_outcome_unknown: false });
    expect(await h.store.cancelsWithUnknownOutcome(50)).not.toContain(upload.id);
  }, 20_000);
});
