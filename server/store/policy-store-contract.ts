// What every PolicyStore does, whatever engine it runs on: an implementation's test file calls
// describePolicyStore with a way to open two stores on one new, empty database (as two replicas,
// or two processes sharing a SQLite file, would), and to open it again later.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { PolicyNameTakenError, type NewPolicyChange, type StoredPolicy } from './policy-store.ts';
import type { UploadStore } from './upload-store.ts';

export interface OpenedPair {
  /** Two stores on the same empty database. The suite closes them. */
  a: UploadStore;
  b: UploadStore;
  /** Opens the database once more (after a and b are closed); the suite closes it. */
  reopen: () => Promise<UploadStore>;
  cleanup: () => Promise<void>;
}

const NOW = 1_800_000_000;

function policy(id: string, overrides: Partial<StoredPolicy> = {}): StoredPolicy {
  return {
    id,
    name: `policy ${id}`,
    enabled: true,
    stuck: true,
    stuck_after_minutes: 30,
    older_than_minutes: null,
    client: null,
    purpose: 'batch',
    created_by: 'alice',
    created_at: NOW,
    updated_by: 'alice',
    updated_at: NOW,
    ...overrides,
  };
}

const change = (action: NewPolicyChange['action'], p: { id: string; name: string } | null, detail: string | null = null): NewPolicyChange => ({
  at: NOW,
  actor: 'alice',
  action,
  policy_id: p?.id ?? null,
  policy_name: p?.name ?? null,
  detail,
});

function makeUpload(id: string, overrides: Partial<Upload> = {}): Upload {
  const created_at = overrides.created_at ?? NOW - 3000;
  return { id, object: 'upload', bytes: 1000, created_at, expires_at: created_at + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null, ...overrides };
}

export function describePolicyStore(name: string, open: () => Promise<OpenedPair>): void {
  describe(`PolicyStore contract: ${name}`, () => {
    let pair: OpenedPair;
    let closed = false;
    beforeEach(async () => {
      pair = await open();
      closed = false;
    });
    afterEach(async () => {
      if (!closed) await Promise.all([pair.a.close(), pair.b.close()]);
      await pair.cleanup();
    });

    it('creates, lists, updates and deletes policies, logging each change with its own write', async () => {
      const { policies } = pair.a;
      const first = await policies.createPolicy(policy('policy_1', { name: 'stuck batch' }), change('create', { id: 'policy_1', name: 'stuck batch' }, 'rule'));
      expect(first).toEqual(policy('policy_1', { name: 'stuck batch' }));
      await policies.createPolicy(policy('policy_2', { created_at: NOW + 1, stuck: false, stuck_after_minutes: null, older_than_minutes: 90, client: 'team-a', purpose: null }), change('create', { id: 'policy_2', name: 'policy policy_2' }));
      // The other store sees them at once: they are in the database, not in a process.
      expect((await pair.b.policies.listPolicies()).map((p) => [p.id, p.enabled, p.stuck, p.older_than_minutes, p.client])).toEqual([
        ['policy_1', true, true, null, null],
        ['policy_2', true, false, 90, 'team-a'],
      ]);

      const updated = await policies.updatePolicy('policy_1', { enabled: false, stuck_after_minutes: null, updated_by: 'bob', updated_at: NOW + 5 }, { ...change('disable', first), actor: 'bob' });
      expect(updated).toEqual({ ...first, enabled: false, stuck_after_minutes: null, updated_by: 'bob', updated_at: NOW + 5 });
      expect(await policies.updatePolicy('policy_missing', { enabled: false, updated_by: 'bob', updated_at: NOW }, change('disable', null))).toBeNull();

      expect(await policies.deletePolicy('policy_2', change('delete', { id: 'policy_2', name: 'policy policy_2' }))).toBe(true);
      expect(await policies.deletePolicy('policy_2', change('delete', { id: 'policy_2', name: 'policy policy_2' }))).toBe(false);
      expect(await policies.getPolicy('policy_2')).toBeNull();
      expect((await policies.getPolicy('policy_1'))?.enabled).toBe(false);

      // Newest first; the failed update and the second delete wrote nothing.
      const changes = await pair.b.policies.listPolicyChanges(10);
      expect(changes.map((c) => [c.action, c.actor, c.policy_id])).toEqual([
        ['delete', 'alice', 'policy_2'],
        ['disable', 'bob', 'policy_1'],
        ['create', 'alice', 'policy_2'],
        ['create', 'alice', 'policy_1'],
      ]);
      expect(changes[3]).toMatchObject({ at: NOW, policy_name: 'stuck batch', detail: 'rule' });
      expect(await policies.listPolicyChanges(1)).toHaveLength(1);
    });

    it('keeps names unique, on create and on rename, and writes nothing for a refused change', async () => {
      const { policies } = pair.a;
      await policies.createPolicy(policy('policy_1', { name: 'nightly' }), change('create', { id: 'policy_1', name: 'nightly' }));
      await policies.createPolicy(policy('policy_2', { name: 'hourly' }), change('create', { id: 'policy_2', name: 'hourly' }));
      await expect(policies.createPolicy(policy('policy_3', { name: 'nightly' }), change('create', { id: 'policy_3', name: 'nightly' }))).rejects.toBeInstanceOf(PolicyNameTakenError);
      await expect(policies.updatePolicy('policy_2', { name: 'nightly', updated_by: 'alice', updated_at: NOW }, change('update', { id: 'policy_2', name: 'hourly' }))).rejects.toBeInstanceOf(PolicyNameTakenError);
      expect((await policies.listPolicies()).map((p) => p.name)).toEqual(['nightly', 'hourly']);
      expect(await policies.listPolicyChanges(10)).toHaveLength(2);
    });

    it('keeps the global pause, logging only real flips', async () => {
      expect(await pair.a.policies.getPolicyPause()).toEqual({ paused: false, changed_by: null, changed_at: null });
      expect(await pair.a.policies.setPolicyPause(true, 'alice', NOW)).toEqual({ paused: true, changed_by: 'alice', changed_at: NOW });
      // Already paused: nothing changes, nothing is logged.
      expect(await pair.b.policies.setPolicyPause(true, 'bob', NOW + 1)).toEqual({ paused: true, changed_by: 'alice', changed_at: NOW });
      expect(await pair.b.policies.setPolicyPause(false, 'bob', NOW + 2)).toEqual({ paused: false, changed_by: 'bob', changed_at: NOW + 2 });
      expect((await pair.a.policies.listPolicyChanges(10)).map((c) => [c.action, c.actor, c.policy_id])).toEqual([
        ['resume', 'bob', null],
        ['pause', 'alice', null],
      ]);
    });

    it('gives each round to exactly one of the stores claiming it at once, and the next one an interval later', async () => {
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? pair.a : pair.b).policies.claimPolicyRound(NOW, 60)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await pair.a.policies.claimPolicyRound(NOW + 59, 60)).toBe(false);
      expect(await pair.b.policies.claimPolicyRound(NOW + 59, 60)).toBe(false);
      const next = await Promise.all([pair.a.policies.claimPolicyRound(NOW + 60, 60), pair.b.policies.claimPolicyRound(NOW + 60, 60)]);
      expect(next.filter(Boolean)).toHaveLength(1);
      // A round long overdue (every replica was down) is one round, not one per missed interval.
      expect(await pair.a.policies.claimPolicyRound(NOW + 1000, 60)).toBe(true);
      expect(await pair.b.policies.claimPolicyRound(NOW + 1001, 60)).toBe(false);
    });

    it('records runs, finds them by policy and by job, and lets exactly one caller finish each', async () => {
      const { policies } = pair.a;
      await policies.recordPolicyRun({ id: 'run_1', policy_id: 'policy_1', policy_name: 'p1', started_at: NOW, matched: 3, job_id: 'bulk_1' });
      await policies.recordPolicyRun({ id: 'run_2', policy_id: 'policy_1', policy_name: 'p1', started_at: NOW + 60, matched: 1, job_id: 'bulk_2' });
      await policies.recordPolicyRun({ id: 'run_3', policy_id: 'policy_2', policy_name: 'p2', started_at: NOW + 60, matched: 7, job_id: 'bulk_3' });
      const recent = await pair.b.policies.recentPolicyRuns(['policy_1', 'policy_2', 'policy_none'], 1);
      expect(recent.get('policy_1')?.map((r) => r.id)).toEqual(['run_2']);
      expect(recent.get('policy_2')).toEqual([{ id: 'run_3', policy_id: 'policy_2', policy_name: 'p2', started_at: NOW + 60, finished_at: null, matched: 7, job_id: 'bulk_3' }]);
      expect(recent.get('policy_none')).toEqual([]);
      expect((await policies.recentPolicyRuns(['policy_1'], 5)).get('policy_1')?.map((r) => r.id)).toEqual(['run_2', 'run_1']);
      expect((await policies.policyRunOfJob('bulk_2'))?.id).toBe('run_2');
      expect(await policies.policyRunOfJob('bulk_other')).toBeNull();

      const finishes = await Promise.all([policies.finishPolicyRun('run_1', NOW + 5), pair.b.policies.finishPolicyRun('run_1', NOW + 6)]);
      expect(finishes.filter(Boolean)).toHaveLength(1);
      expect(await policies.finishPolicyRun('run_1', NOW + 7)).toBe(false);
      expect((await policies.unfinishedPolicyRuns()).map((r) => r.id)).toEqual(['run_2', 'run_3']);
      expect((await policies.policyRunOfJob('bulk_1'))?.finished_at).toBeGreaterThanOrEqual(NOW + 5);
    });

    it("filters stuck uploads by a policy's own idle threshold instead of the console's", async () => {
      const store = pair.a;
      // Idle for 20 minutes: not stuck for the console here (the suite opens it with its threshold
      // above that), stuck for a rule of 15 minutes, not for one of 30.
      await store.recordUpload(makeUpload('upload_idle20', { created_at: NOW - 1200 }), { at: NOW - 1200, via: 'create' });
      await store.recordUpload(makeUpload('upload_idle5', { created_at: NOW - 300 }), { at: NOW - 300, via: 'create' });
      const idsAt = async (seconds: number | undefined) => store.pendingIdsMatching({ stuck: true, ...(seconds ? { stuck_after_seconds: seconds } : {}) }, NOW, 100);
      expect(await idsAt(undefined)).toEqual([]);
      expect(await idsAt(15 * 60)).toEqual(['upload_idle20']);
      expect(await idsAt(30 * 60)).toEqual([]);
      expect(await idsAt(60)).toEqual(['upload_idle5', 'upload_idle20']);
      expect(await store.countMatching({ stuck: true, stuck_after_seconds: 15 * 60 }, NOW)).toEqual({ cancellable: 1, skipped: 0 });
      const listed = await store.listUploads({ status: 'pending', stuck: true, stuck_after_seconds: 15 * 60, limit: 10 }, NOW);
      expect(listed.data.map((r) => r.upload.id)).toEqual(['upload_idle20']);
    });

    it('keeps policies, runs, changes and the pause across a reopen', async () => {
      await pair.a.policies.createPolicy(policy('policy_1'), change('create', { id: 'policy_1', name: 'policy policy_1' }));
      await pair.a.policies.recordPolicyRun({ id: 'run_1', policy_id: 'policy_1', policy_name: 'policy policy_1', started_at: NOW, matched: 2, job_id: 'bulk_1' });
      await pair.a.policies.setPolicyPause(true, 'alice', NOW);
      expect(await pair.a.policies.claimPolicyRound(NOW, 60)).toBe(true);
      await Promise.all([pair.a.close(), pair.b.close()]);
      closed = true;
      const again = await pair.reopen();
      try {
        expect(await again.policies.listPolicies()).toEqual([policy('policy_1')]);
        expect((await again.policies.unfinishedPolicyRuns()).map((r) => r.job_id)).toEqual(['bulk_1']);
        expect((await again.policies.getPolicyPause()).paused).toBe(true);
        expect(await again.policies.listPolicyChanges(10)).toHaveLength(2);
        expect(await again.policies.claimPolicyRound(NOW + 30, 60)).toBe(false);
      } finally {
        await again.close();
      }
    });
  });
}
