// What the store keeps about cleanup policies: the rules, their runs, the log of changes to them,
// the global pause, and the round every replica competes for. Both engines implement it on the
// database of their UploadStore (sqlite-policy-store.ts, postgres-policy-store.ts), and
// policy-store-contract.ts is the suite both run. A run's counts are its bulk job's (UploadStore.getJob).
import type { Policy, PolicyChange, PolicyPause } from '#contract/policies.ts';

/** A policy as stored: everything but its runs. */
export type StoredPolicy = Omit<Policy, 'object' | 'action' | 'runs'>;

/** The fields a change may set. */
export type PolicyUpdate = Partial<Omit<StoredPolicy, 'id' | 'created_by' | 'created_at' | 'updated_by' | 'updated_at'>>;

export interface StoredPolicyRun {
  id: string;
  policy_id: string;
  policy_name: string;
  started_at: number;
  finished_at: number | null;
  matched: number;
  job_id: string;
}

export type NewPolicyChange = Omit<PolicyChange, 'id'>;

/** Another policy already has this name (names are the actors of their cancels, so they are unique). */
export class PolicyNameTakenError extends Error {
  constructor(readonly policyName: string) {
    super(`A policy named '${policyName}' already exists: policy names must be unique, since each is the actor of its cancels.`);
  }
}

export interface PolicyStore {
  /** Every policy, oldest first. */
  listPolicies(): Promise<StoredPolicy[]>;
  getPolicy(id: string): Promise<StoredPolicy | null>;
  /** Writes the policy and its change entry in one transaction; PolicyNameTakenError if the name is taken. */
  createPolicy(policy: StoredPolicy, change: NewPolicyChange): Promise<StoredPolicy>;
  /** Applies the fields (and updated_by/at) with its change entry, in one transaction; null if there is no such policy. PolicyNameTakenError as above. */
  updatePolicy(id: string, fields: PolicyUpdate & Pick<StoredPolicy, 'updated_by' | 'updated_at'>, change: NewPolicyChange): Promise<StoredPolicy | null>;
  /** Deletes it (its runs are kept, as its cancels' audit entries are) with its change entry; false if there was none. */
  deletePolicy(id: string, change: NewPolicyChange): Promise<boolean>;
  /** The latest changes, newest first. */
  listPolicyChanges(limit: number): Promise<PolicyChange[]>;

  getPolicyPause(): Promise<PolicyPause>;
  /** Flips the global switch, with a pause/resume change entry; setting what is already set changes and logs nothing. */
  setPolicyPause(paused: boolean, actor: string, at: number): Promise<PolicyPause>;

  /**
   * The round of policy evaluation due at `now` (unix s), for exactly one caller across every
   * replica: true moves the next round to now + intervalSeconds (one atomic conditional UPDATE);
   * false means the round is not due, or another caller took it.
   */
  claimPolicyRound(now: number, intervalSeconds: number): Promise<boolean>;

  recordPolicyRun(run: Omit<StoredPolicyRun, 'finished_at'>): Promise<void>;
  /** The latest `perPolicy` runs of each policy, newest first. */
  recentPolicyRuns(policyIds: readonly string[], perPolicy: number): Promise<Map<string, StoredPolicyRun[]>>;
  /** Runs whose job has not been seen to finish yet, oldest first. */
  unfinishedPolicyRuns(): Promise<StoredPolicyRun[]>;
  /** The run that started this job, if a policy did. */
  policyRunOfJob(jobId: string): Promise<StoredPolicyRun | null>;
  /** Marks the run finished; true only for the one call (across replicas) that did, so it alone reports it. */
  finishPolicyRun(id: string, at: number): Promise<boolean>;
}
