// Cleanup policies end to end in one process: the real console (createConsole), the embedded
// emulator over loopback HTTP, the dashboard API in-process, and the console's clock moved by hand.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { policyChangeListSchema, policyListSchema, policyPreviewSchema, policySchema, type Policy, type PolicyRun } from '#contract/policies.ts';
import { errorEnvelopeSchema, uploadSchema, type Upload } from '#contract/uploads.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { PolicyRunner } from './policy-runner.ts';
import { EMULATOR_KEY, READ_ONLY_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';

const TEAM_B_TOKEN = 'uc-team-b-token-0123456789abcdef';

let h: Harness;
let finishedRuns: PolicyRun[] = [];
beforeAll(async () => {
  h = await startHarness({ bulkConcurrency: 3, moreClients: [{ name: 'team-b', token: TEAM_B_TOKEN }] });
  h.policyRunner.onRunFinished = (run) => finishedRuns.push(run);
});
afterAll(() => h.close());
afterEach(async () => {
  // Each test starts with no policies, unpaused, and a round due.
  for (const policy of policyListSchema.parse(await (await h.api('/api/policies')).json()).data) await h.api(`/api/policies/${policy.id}`, { method: 'DELETE' });
  await h.api('/api/policies/pause', send('PUT', { paused: false }));
  h.clock.setOffsetSeconds(h.clock.offsetSeconds + 3600);
  finishedRuns = [];
});

const send = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function createUploads(n: number, stem: string, purpose = 'batch', clientToken?: string): Promise<Upload[]> {
  const made: Upload[] = [];
  for (let i = 0; i < n; i++) {
    const init = send('POST', { filename: `${stem}-${i}.jsonl`, purpose, bytes: 10, mime_type: 'application/jsonl' });
    const res = await h.v1('/uploads', clientToken ? { ...init, headers: { ...init.headers, authorization: `Bearer ${clientToken}` } } : init);
    made.push(uploadSchema.parse(await res.json()));
  }
  return made;
}

async function statusOf(id: string): Promise<string> {
  return uploadRecordSchema.parse(await (await h.api(`/api/uploads/${id}`)).json()).status;
}

async function createPolicy(body: object): Promise<Policy> {
  const res = await h.api('/api/policies', send('POST', body));
  expect(res.status, await res.clone().text()).toBe(201);
  return policySchema.parse(await res.json());
}

async function listed(): Promise<Policy[]> {
  return policyListSchema.parse(await (await h.api('/api/policies')).json()).data;
}

describe('a policy run', () => {
  it('cancels exactly what its preview listed, audited under the policy name, and leaves the rest alone', async () => {
    const stale = await createUploads(3, 'stale');
    const [staleOtherPurpose] = await createUploads(1, 'stale-ft', 'fine-tune');
    const [staleFinished] = await createUploads(1, 'stale-done');
    await h.api(`/api/uploads/${staleFinished!.id}/cancel`, { method: 'POST' });
    // 20 minutes on: those are idle for 20, the new ones for none.
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 20 * 60);
    const fresh = await createUploads(2, 'fresh');
    const rule = { stuck: true, stuck_after_minutes: 15, purpose: 'batch' };

    const previewRes = await h.api('/api/policies/preview', send('POST', rule));
    expect(previewRes.status).toBe(200);
    const preview = policyPreviewSchema.parse(await previewRes.json());
    const previewed = preview.data.map((r) => r.upload.id);
    expect(previewed.sort()).toEqual(stale.map((u) => u.id).sort());
    expect(preview.total).toBe(3);
    // Stuck as the rule counts it (15 min), though the console's own threshold (10 min) says so too here.
    expect(preview.data.every((r) => r.status === 'pending' && r.stuck?.reason === 'idle')).toBe(true);

    const policy = await createPolicy({ name: 'stale batch', ...rule });
    expect(policy).toMatchObject({ enabled: true, action: 'cancel', created_by: 'alice', runs: [], client: null, older_than_minutes: null });

    const round = await h.policyRunner.tick();
    expect(round).toMatchObject({ paused: false, runs: [{ policy: 'stale batch', matched: 3 }] });
    await h.runner.idle();

    for (const upload of stale) expect(await statusOf(upload.id)).toBe('cancelled');
    for (const upload of [...fresh, staleOtherPurpose!]) expect(await statusOf(upload.id)).toBe('pending');

    const jobId = round!.runs[0]!.job_id;
    const audit = auditListSchema.parse(await (await h.api('/api/audit?source=policy&limit=500')).json()).data.filter((e) => e.job_id === jobId);
    expect(audit.map((e) => e.upload_id).sort()).toEqual(previewed.sort());
    expect(audit.every((e) => e.actor === 'stale batch' && e.reason === 'stale batch' && e.outcome === 'cancelled' && e.source === 'policy')).toBe(true);
    // The run's own cancels, as the Policies page links to them.
    const ofJob = auditListSchema.parse(await (await h.api(`/api/audit?job_id=${jobId}`)).json()).data;
    expect(ofJob.map((e) => e.upload_id).sort()).toEqual(previewed.sort());

    // The run, with what its job did, shows with the policy; it was reported once.
    await eventually(() => expect(finishedRuns).toHaveLength(1));
    expect(finishedRuns[0]).toMatchObject({ policy_id: policy.id, policy_name: 'stale batch', matched: 3, cancelled: 3, skipped: 0, failed: 0, job_id: jobId });
    const [shown] = await listed();
    expect(shown!.runs).toEqual([expect.objectContaining({ matched: 3, cancelled: 3, job_id: jobId, finished_at: expect.any(Number) })]);

    // The next round is one interval away; in it nothing matches any more, so no run.
    expect(await h.policyRunner.tick()).toBeNull();
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 60);
    expect(await h.policyRunner.tick()).toEqual({ paused: false, runs: [] });
  });

  it("matches on the client: cancels that client's uploads only, as its preview said", async () => {
    const ours = await createUploads(2, 'sdk-old');
    const theirs = await createUploads(2, 'team-b-old', 'batch', TEAM_B_TOKEN);
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 30 * 60);
    const rule = { older_than_minutes: 20, client: 'team-b' };

    const preview = policyPreviewSchema.parse(await (await h.api('/api/policies/preview', send('POST', rule))).json());
    expect(preview.data.map((r) => r.upload.id).sort()).toEqual(theirs.map((u) => u.id).sort());
    expect(preview.data.every((r) => r.client?.name === 'team-b')).toBe(true);

    await createPolicy({ name: 'team-b leftovers', ...rule });
    expect(await h.policyRunner.tick()).toMatchObject({ runs: [{ policy: 'team-b leftovers', matched: 2 }] });
    await h.runner.idle();
    for (const upload of theirs) expect(await statusOf(upload.id)).toBe('cancelled');
    for (const upload of ours) expect(await statusOf(upload.id)).toBe('pending');
  });

  it('runs each round once, however many runners (replicas) ask for it at the same time', async () => {
    const uploads = await createUploads(2, 'once');
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 30 * 60);
    await createPolicy({ name: 'once only', older_than_minutes: 20 });
    const replicas = [h.policyRunner, ...Array.from({ length: 3 }, () => new PolicyRunner({ store: h.store, clock: h.clock, feed: h.feed, log: silentLogger, bulk: h.runner }, { intervalSeconds: 60, tickMs: null }))];
    const rounds = await Promise.all(replicas.map((replica) => replica.tick()));
    expect(rounds.filter((round) => round !== null)).toEqual([{ paused: false, runs: [expect.objectContaining({ policy: 'once only', matched: 2 })] }]);
    await h.runner.idle();
    const entries = auditListSchema.parse(await (await h.api('/api/audit?actor=once%20only')).json()).data;
    expect(entries.map((e) => e.upload_id).sort()).toEqual(uploads.map((u) => u.id).sort());
    expect((await listed())[0]!.runs).toHaveLength(1);
  });

  it('hands an upload two policies match to the older policy only', async () => {
    const [upload] = await createUploads(1, 'both');
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 30 * 60);
    await createPolicy({ name: 'first', older_than_minutes: 20 });
    await createPolicy({ name: 'second', stuck: true, purpose: 'batch' });
    const round = await h.policyRunner.tick();
    await h.runner.idle();
    expect(round?.runs.map((r) => r.policy)).toContain('first');
    expect(round?.runs.find((r) => r.policy === 'second')).toBeUndefined();
    const entries = auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${upload!.id}`)).json()).data;
    expect(entries.map((e) => [e.actor, e.outcome])).toEqual([['first', 'cancelled']]);
  });

  it('runs the rounds by itself every interval', async () => {
    const interval = await startHarness({ policyIntervalSeconds: 1, intervals: { policyTickMs: 100 } });
    try {
      const res = await interval.v1('/uploads', send('POST', { filename: 'old.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }));
      const upload = uploadSchema.parse(await res.json());
      interval.clock.setOffsetSeconds(30 * 60);
      await interval.api('/api/policies', send('POST', { name: 'older than 20 min', older_than_minutes: 20 }));
      await eventually(async () => expect(uploadRecordSchema.parse(await (await interval.api(`/api/uploads/${upload.id}`)).json()).status).toBe('cancelled'), 5_000);
    } finally {
      await interval.close();
    }
  });

  it('does not run while disabled, nor while every policy is paused, and runs again once resumed', async () => {
    const [upload] = await createUploads(1, 'paused');
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 30 * 60);
    const policy = await createPolicy({ name: 'old ones', older_than_minutes: 20, enabled: false });
    expect(await h.policyRunner.tick()).toEqual({ paused: false, runs: [] });

    await h.api(`/api/policies/${policy.id}`, send('PATCH', { enabled: true }));
    const pause = await h.api('/api/policies/pause', send('PUT', { paused: true }));
    expect(await pause.json()).toMatchObject({ paused: true, changed_by: 'alice' });
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 60);
    expect(await h.policyRunner.tick()).toEqual({ paused: true, runs: [] });
    expect(await statusOf(upload!.id)).toBe('pending');

    await h.api('/api/policies/pause', send('PUT', { paused: false }));
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 60);
    expect((await h.policyRunner.tick())?.runs).toHaveLength(1);
    await h.runner.idle();
    expect(await statusOf(upload!.id)).toBe('cancelled');
  });
});

describe('the policies API', () => {
  it('refuses a read-only operator every change (403, the envelope), and lets it read and preview', async () => {
    const policy = await createPolicy({ name: 'mine', stuck: true });
    const asViewer = (path: string, init: RequestInit = {}) => h.app.request(path, { ...init, headers: { authorization: `Bearer ${READ_ONLY_TOKEN}`, 'content-type': 'application/json' } });
    const changes: [string, RequestInit][] = [
      ['/api/policies', { method: 'POST', body: JSON.stringify({ name: 'theirs', stuck: true }) }],
      [`/api/policies/${policy.id}`, { method: 'PATCH', body: JSON.stringify({ enabled: false }) }],
      [`/api/policies/${policy.id}`, { method: 'DELETE' }],
      ['/api/policies/pause', { method: 'PUT', body: JSON.stringify({ paused: true }) }],
    ];
    for (const [path, init] of changes) {
      const res = await asViewer(path, init);
      expect(res.status, `${init.method} ${path}`).toBe(403);
      const body = errorEnvelopeSchema.parse(await res.json());
      expect(body.error).toMatchObject({ code: 'read_only_operator', message: expect.stringContaining("'victor' has read-only access") });
    }
    expect((await listed()).map((p) => [p.name, p.enabled])).toEqual([['mine', true]]);
    expect((await asViewer('/api/policies')).status).toBe(200);
    expect((await asViewer('/api/policies/preview', { method: 'POST', body: JSON.stringify({ stuck: true }) })).status).toBe(200);
    expect(policyChangeListSchema.parse(await (await asViewer('/api/policies/changes')).json()).data.some((c) => c.actor === 'victor')).toBe(false);
  });

  it('validates at the edge: a rule needs stuck or an age, known fields only, well-formed ids, unique names', async () => {
    const cases: [string, RequestInit, number, string | null][] = [
      ['/api/policies', send('POST', { name: 'nothing', purpose: 'batch' }), 400, 'stuck'],
      ['/api/policies', send('POST', { name: 'x', stuck: true, action: 'delete' }), 400, null],
      ['/api/policies', send('POST', { name: '   ', stuck: true }), 400, 'name'],
      ['/api/policies', send('POST', { name: 'x', older_than_minutes: 0 }), 400, 'older_than_minutes'],
      ['/api/policies', send('POST', { name: 'x', older_than_minutes: '60' }), 400, 'older_than_minutes'],
      ['/api/policies', send('POST', { name: 'x', stuck_after_minutes: 5, older_than_minutes: 5 }), 400, 'stuck_after_minutes'],
      ['/api/policies/preview', send('POST', {}), 400, 'stuck'],
      // 81 characters as sent, as the description's maxLength counts them; 80 once the tab is trimmed.
      ['/api/policies/preview', send('POST', { stuck: true, name: `\t${'n'.repeat(80)}` }), 400, 'name'],
      ['/api/policies/pause', send('PUT', { paused: 'yes' }), 400, 'paused'],
      ['/api/policies/policy_nope', send('PATCH', { enabled: false }), 400, 'id'],
      [`/api/policies/policy_${'0'.repeat(24)}`, send('PATCH', { enabled: false }), 404, 'id'],
      [`/api/policies/policy_${'0'.repeat(24)}`, { method: 'DELETE' }, 404, 'id'],
    ];
    for (const [path, init, status, param] of cases) {
      const res = await h.api(path, init);
      expect(res.status, `${init.method} ${path} ${String(init.body)}`).toBe(status);
      expect(errorEnvelopeSchema.parse(await res.json()).error.param).toBe(param);
    }
    const policy = await createPolicy({ name: 'taken', stuck: true });
    const again = await h.api('/api/policies', send('POST', { name: 'taken', older_than_minutes: 5 }));
    expect(again.status).toBe(409);
    expect(errorEnvelopeSchema.parse(await again.json()).error).toMatchObject({ param: 'name', code: 'policy_name_taken' });
    // A change that would leave the rule matching on nothing but status is refused whole.
    const emptied = await h.api(`/api/policies/${policy.id}`, send('PATCH', { stuck: false }));
    expect(emptied.status).toBe(400);
    expect((await listed())[0]).toMatchObject({ stuck: true });
  });

  it('logs every change: who, what and when', async () => {
    const policy = await createPolicy({ name: 'nightly', older_than_minutes: 120, purpose: 'batch' });
    await h.api(`/api/policies/${policy.id}`, send('PATCH', { older_than_minutes: 60, name: 'hourly' }));
    await h.api(`/api/policies/${policy.id}`, send('PATCH', { enabled: false }));
    await h.api(`/api/policies/${policy.id}`, send('PATCH', { enabled: false })); // no change: not logged
    await h.api('/api/policies/pause', send('PUT', { paused: true }));
    await h.api('/api/policies/pause', send('PUT', { paused: false }));
    expect((await h.api(`/api/policies/${policy.id}`, { method: 'DELETE' })).status).toBe(204);
    const changes = policyChangeListSchema.parse(await (await h.api('/api/policies/changes')).json()).data;
    const mine = changes.filter((c) => c.policy_id === policy.id || c.policy_id === null).slice(0, 6);
    expect(mine.map((c) => [c.action, c.actor, c.policy_name])).toEqual([
      ['delete', 'alice', 'hourly'],
      ['resume', 'alice', null],
      ['pause', 'alice', null],
      ['disable', 'alice', 'hourly'],
      ['update', 'alice', 'hourly'],
      ['create', 'alice', 'nightly'],
    ]);
    expect(mine[4]!.detail).toBe("name: 'nightly' → 'hourly'; older_than_minutes: 120 → 60");
    expect(mine[5]!.detail).toBe('Cancel pending uploads: older than 2 h, purpose batch');
    expect(mine.every((c) => typeof c.at === 'number')).toBe(true);
  });
});

describe('work already in hand', () => {
  afterEach(() => h.emulator.faults.clear());

  /** The emulator's count of cancel calls per upload. */
  async function upstreamCancels(): Promise<Record<string, { calls: number; succeeded: number }>> {
    const res = await fetch(`${h.emulator.url.replace(/\/v1$/, '')}/__emulator/stats`, { headers: { authorization: `Bearer ${EMULATOR_KEY}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { cancels: { by_upload: Record<string, { calls: number; succeeded: number }> } }).cancels.by_upload;
  }

  it("leaves uploads another policy's run or an operator's bulk cancel is still cancelling to it: each is cancelled upstream once, audited once", async () => {
    const matched = await createUploads(6, 'overlap');
    const byHand = await createUploads(2, 'overlap-by-hand');
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 30 * 60);
    // Slow cancels (3 at a time): both jobs are still going at the next round.
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 400, count: null });
    const started = await h.api('/api/bulk-cancels', send('POST', { ids: byHand.map((u) => u.id) }));
    expect(started.status).toBe(202);

    await createPolicy({ name: 'older than 20 min', older_than_minutes: 20 });
    const first = await h.policyRunner.tick();
    // The two the operator's job holds are not its.
    expect(first?.runs).toEqual([expect.objectContaining({ policy: 'older than 20 min', matched: 6 })]);

    // A second policy matching the same uploads, one round later, while the first run still cancels them.
    await createPolicy({ name: 'batch ones', purpose: 'batch', older_than_minutes: 10 });
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 60);
    expect(await h.policyRunner.tick()).toEqual({ paused: false, runs: [] });
    expect(await h.store.policies.unfinishedPolicyRuns()).toHaveLength(1);

    h.emulator.faults.clear();
    await h.runner.idle();
    await eventually(() => expect(finishedRuns).toHaveLength(1));
    const everyUpload = [...matched, ...byHand];
    const calls = await upstreamCancels();
    for (const upload of everyUpload) {
      expect(await statusOf(upload.id)).toBe('cancelled');
      expect(calls[upload.id]).toMatchObject({ calls: 1, succeeded: 1 });
      const entries = auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${upload.id}`)).json()).data;
      expect(entries).toHaveLength(1);
    }
    // Once settled, nothing is left for the second policy.
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 60);
    expect(await h.policyRunner.tick()).toEqual({ paused: false, runs: [] });
  });

  it('leaves an upload whose cancel outcome is unknown to the reconciler, round after round', async () => {
    const [doubtful, plain] = await createUploads(2, 'doubt');
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 30 * 60);
    await h.store.recordCancelOutcome({
      entry: { upload_id: doubtful!.id, at: Math.floor(h.clock.now() / 1000), actor: 'alice', source: 'dashboard', reason: null, outcome: 'unknown', upstream_status: null, request_id: null, message: 'timed out', job_id: null },
      change: { kind: 'mark_unknown' },
    });
    await createPolicy({ name: 'old', older_than_minutes: 20 });
    const preview = policyPreviewSchema.parse(await (await h.api('/api/policies/preview', send('POST', { older_than_minutes: 20 }))).json());
    expect(preview.data.map((r) => r.upload.id)).not.toContain(doubtful!.id);
    expect((await h.policyRunner.tick())?.runs).toEqual([expect.objectContaining({ matched: 1 })]);
    await h.runner.idle();
    expect(await statusOf(plain!.id)).toBe('cancelled');
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 60);
    expect(await h.policyRunner.tick()).toEqual({ paused: false, runs: [] });
    expect(await statusOf(doubtful!.id)).toBe('pending');
  });
});
