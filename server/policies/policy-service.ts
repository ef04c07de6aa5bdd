// What operators do with cleanup policies (the routes call it): list them with their latest runs,
// create, change, delete, pause every one, preview a rule. Every change is written with its entry
// in the policy change log, in one store transaction.
import { randomBytes } from 'node:crypto';
import {
  POLICY_CHANGES_LIMIT,
  POLICY_PREVIEW_LIMIT,
  type ParsedPolicyDraft,
  type Policy,
  type PolicyChange,
  type PolicyList,
  type PolicyPatch,
  type PolicyPause,
  type PolicyPreview,
  type PolicyRun,
} from '#contract/policies.ts';
import { policyRuleProblem } from '#contract/policies.ts';
import { describePolicyRule } from '#contract/policy-wording.ts';
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { StoredPolicy, StoredPolicyRun } from '#server/store/policy-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { asSeenByRule, policyFilter, type PolicyRule } from './policy-filter.ts';

/** Runs shown with each policy. */
const RUNS_SHOWN = 5;

export interface PolicyServiceDeps {
  store: UploadStore;
  clock: Clock;
  stuckRule: StuckRule;
  intervalSeconds: number;
}

const RULE_FIELDS = ['name', 'enabled', 'stuck', 'stuck_after_minutes', 'older_than_minutes', 'client', 'purpose'] as const;

const shown = (value: unknown) => (value === null ? 'none' : typeof value === 'string' ? `'${value}'` : String(value));

/** A run with its counts, read from its bulk job. */
export async function withCounts(store: UploadStore, run: StoredPolicyRun): Promise<PolicyRun> {
  const job = await store.getJob(run.job_id, false);
  const p = job?.progress;
  return {
    ...run,
    object: 'policy_run',
    finished_at: run.finished_at ?? (job?.state === 'done' ? job.finished_at : null),
    cancelled: p?.cancelled ?? 0,
    skipped: p ? p.already_finished + p.skipped : 0,
    failed: p ? p.failed + p.unknown + p.not_found : 0,
  };
}

export class PolicyService {
  constructor(private readonly deps: PolicyServiceDeps) {}

  private get policies() {
    return this.deps.store.policies;
  }

  private consoleStuckMinutes(): number {
    return this.deps.stuckRule.afterSeconds / 60;
  }

  async list(): Promise<PolicyList> {
    const [stored, pause] = await Promise.all([this.policies.listPolicies(), this.policies.getPolicyPause()]);
    const runs = await this.policies.recentPolicyRuns(stored.map((p) => p.id), RUNS_SHOWN);
    const data = await Promise.all(stored.map(async (p) => this.toPolicy(p, runs.get(p.id) ?? [])));
    return { object: 'list', data, pause, interval_seconds: this.deps.intervalSeconds };
  }

  async get(id: string): Promise<Policy> {
    const stored = await this.policies.getPolicy(id);
    if (!stored) throw notFound(id);
    const runs = await this.policies.recentPolicyRuns([id], RUNS_SHOWN);
    return this.toPolicy(stored, runs.get(id) ?? []);
  }

  async create(draft: ParsedPolicyDraft, actor: string): Promise<Policy> {
    const at = unixSeconds(this.deps.clock);
    const id = `policy_${randomBytes(12).toString('hex')}`;
    const stored: StoredPolicy = { id, ...draft, created_by: actor, created_at: at, updated_by: actor, updated_at: at };
    const detail = `${describePolicyRule(draft, this.consoleStuckMinutes())}${draft.enabled ? '' : ' (disabled)'}`;
    await this.policies.createPolicy(stored, { at, actor, action: 'create', policy_id: id, policy_name: draft.name, detail });
    return this.toPolicy(stored, []);
  }

  async update(id: string, patch: PolicyPatch, actor: string): Promise<Policy> {
    const before = await this.policies.getPolicy(id);
    if (!before) throw notFound(id);
    const after = { ...before, ...patch };
    const problem = policyRuleProblem(after);
    if (problem) throw new ApiError(400, `Invalid body parameter '${problem.path}': ${problem.message}.`, { param: problem.path });
    const changed = RULE_FIELDS.filter((field) => before[field] !== after[field]);
    if (changed.length === 0) return this.get(id);
    const at = unixSeconds(this.deps.clock);
    const onlyEnabled = changed.length === 1 && changed[0] === 'enabled';
    const action = onlyEnabled ? (after.enabled ? 'enable' : 'disable') : 'update';
    const detail = onlyEnabled ? null : changed.map((field) => `${field}: ${shown(before[field])} → ${shown(after[field])}`).join('; ');
    const fields = Object.fromEntries(changed.map((field) => [field, after[field]]));
    const updated = await this.policies.updatePolicy(id, { ...fields, updated_by: actor, updated_at: at }, { at, actor, action, policy_id: id, policy_name: after.name, detail });
    if (!updated) throw notFound(id);
    return this.get(id);
  }

  async delete(id: string, actor: string): Promise<void> {
    const before = await this.policies.getPolicy(id);
    if (!before) throw notFound(id);
    const at = unixSeconds(this.deps.clock);
    const deleted = await this.policies.deletePolicy(id, { at, actor, action: 'delete', policy_id: id, policy_name: before.name, detail: describePolicyRule(before, this.consoleStuckMinutes()) });
    if (!deleted) throw notFound(id);
  }

  setPause(paused: boolean, actor: string): Promise<PolicyPause> {
    return this.policies.setPolicyPause(paused, actor, unixSeconds(this.deps.clock));
  }

  async changes(): Promise<PolicyChange[]> {
    return this.policies.listPolicyChanges(POLICY_CHANGES_LIMIT);
  }

  /** The uploads the rule would cancel now: the same filter a run uses, the list's order (newest first). */
  async preview(rule: PolicyRule): Promise<PolicyPreview> {
    const { store, clock, stuckRule } = this.deps;
    const now = unixSeconds(clock);
    const filter = policyFilter(rule);
    const [page, counts] = await Promise.all([store.listUploads({ ...filter, limit: POLICY_PREVIEW_LIMIT }, now), store.countMatching(filter, now)]);
    return { object: 'list', data: page.data.map((record) => asSeenByRule(record, rule, stuckRule, now)), total: counts.cancellable };
  }

  private async toPolicy(stored: StoredPolicy, runs: readonly StoredPolicyRun[]): Promise<Policy> {
    return { ...stored, object: 'policy', action: 'cancel', runs: await Promise.all(runs.map((run) => withCounts(this.deps.store, run))) };
  }
}

const notFound = (id: string) => new ApiError(404, `No such policy: ${id}`, { param: 'id' });
