// Runs the enabled cleanup policies every interval, once across all replicas: every replica looks
// often, but only the one whose claim of the due round succeeds (an atomic conditional UPDATE in
// the store) evaluates. Each policy that matches pending uploads gets a run: the run is written
// down, then a bulk job of kind policy (server/cancel/bulk-cancel-runner.ts) cancels them, with the
// same bounded concurrency, retry-after, leases and resumption as any bulk job; its cancels are
// audited with source `policy` and the policy's name as actor and reason. When the job has settled
// every upload the run's report is queued (beforeRunFinished), then the run is finished, by exactly
// one replica, which tells onRunFinished.
import { randomBytes } from 'node:crypto';
import type { PolicyRun } from '#contract/policies.ts';
import { newBulkJobId, type BulkCancelRunner } from '#server/cancel/bulk-cancel-runner.ts';
import type { ChangeFeed } from '#server/lib/change-feed.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { policyFilter } from './policy-filter.ts';
import { withCounts } from './policy-service.ts';

/** Most uploads one run cancels; a rule that matches more takes the rest in its next rounds. */
export const POLICY_RUN_MAX_ITEMS = 10_000;

export interface PolicyRunnerDeps {
  store: UploadStore;
  clock: Clock;
  feed: ChangeFeed;
  log: Logger;
  bulk: BulkCancelRunner;
}

export interface PolicyRunnerOptions {
  /** Seconds between rounds (POLICY_INTERVAL_SECONDS). */
  intervalSeconds: number;
  /** How often this replica asks whether a round is due (default: the interval, at most 5 s); null: only when tick() is called. */
  tickMs?: number | null;
}

/** A run whose job still does not exist this long after it started is taken as abandoned. */
const ABANDONED_RUN_SECONDS = 120;

/** What one round did. */
export interface PolicyRound {
  paused: boolean;
  /** The runs it started. */
  runs: { policy: string; matched: number; job_id: string }[];
}

export class PolicyRunner {
  /**
   * Awaited before a run is marked finished, with its final counts (console.ts queues its alert
   * here: keyed by the run's job, so queueing twice sends once). A stop between the two leaves the
   * run unfinished, and whoever finishes it calls this again; if it throws, the run stays
   * unfinished and is tried again at the next tick. So it may be called more than once per run.
   */
  beforeRunFinished: ((run: PolicyRun) => Promise<void>) | null = null;
  /** Told once per finished run, on the one replica that finished it, after it was marked finished. */
  onRunFinished: ((run: PolicyRun) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<PolicyRound | null> | null = null;
  private stopFeed: (() => void) | null = null;

  constructor(
    private readonly deps: PolicyRunnerDeps,
    private readonly options: PolicyRunnerOptions,
  ) {}

  start(): void {
    if (this.timer || this.stopFeed) return;
    // A policy job that finishes is reported at once (the next tick would find it too).
    this.stopFeed = this.deps.feed.on('job', (job) => {
      if (job.state === 'done') void this.finishRunOf(job.id).catch((error: unknown) => this.deps.log.warn('could not finish a policy run', { job_id: job.id, error: String(error) }));
    });
    const tickMs = this.options.tickMs === undefined ? Math.min(this.options.intervalSeconds * 1000, 5_000) : this.options.tickMs;
    if (tickMs === null) return;
    this.timer = setInterval(() => void this.tick().catch((error: unknown) => this.deps.log.error('policy round failed', { error: String(error) })), tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopFeed?.();
    this.stopFeed = null;
    await this.ticking?.catch(() => undefined);
  }

  /** Finishes the runs whose jobs are done, then evaluates the policies if this replica gets the due round. One at a time. */
  tick(): Promise<PolicyRound | null> {
    this.ticking ??= this.round().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async round(): Promise<PolicyRound | null> {
    const { store, clock, log, bulk } = this.deps;
    const { policies } = store;
    const unfinished = await this.finishRuns();
    const now = unixSeconds(clock);
    if (!(await policies.claimPolicyRound(now, this.options.intervalSeconds))) return null;
    if ((await policies.getPolicyPause()).paused) return { paused: true, runs: [] };
    const busy = new Set(unfinished.map((run) => run.policy_id));
    const round: PolicyRound = { paused: false, runs: [] };
    // An upload some job is still cancelling (another policy's unfinished run, an operator's bulk
    // cancel) is left to it; one two policies match this round goes to the first of them (oldest
    // first), not to both.
    const taken = new Set(await store.uploadsInRunningJobs());
    for (const policy of await policies.listPolicies()) {
      // A run still working would be handed the same uploads again.
      if (!policy.enabled || busy.has(policy.id)) continue;
      const matching = await store.pendingIdsMatching(policyFilter(policy), now, POLICY_RUN_MAX_ITEMS + taken.size);
      const ids = matching.filter((id) => !taken.has(id)).slice(0, POLICY_RUN_MAX_ITEMS);
      for (const id of ids) taken.add(id);
      if (ids.length === 0) continue;
      const jobId = newBulkJobId();
      // Written first: the job's items are audited as the policy's from the first one.
      await policies.recordPolicyRun({ id: `run_${randomBytes(12).toString('hex')}`, policy_id: policy.id, policy_name: policy.name, started_at: now, matched: ids.length, job_id: jobId });
      await bulk.start({ ids, reason: policy.name }, policy.name, jobId);
      log.info(`policy '${policy.name}': cancelling ${ids.length} matching upload(s) in bulk cancel ${jobId}`);
      round.runs.push({ policy: policy.name, matched: ids.length, job_id: jobId });
    }
    return round;
  }

  /** Finishes every run whose job is done; returns those still running. */
  private async finishRuns() {
    const still = [];
    const now = unixSeconds(this.deps.clock);
    for (const run of await this.deps.store.policies.unfinishedPolicyRuns()) {
      const job = await this.deps.store.getJob(run.job_id, false);
      // No job a while after the run: the process stopped between writing the run and its job, and
      // nothing was cancelled. (Just after, another replica may be about to create it.)
      const abandoned = !job && run.started_at < now - ABANDONED_RUN_SECONDS;
      if (abandoned || job?.state === 'done') await this.finish(run.id, run.job_id);
      else still.push(run);
    }
    return still;
  }

  private async finishRunOf(jobId: string): Promise<void> {
    const run = await this.deps.store.policies.policyRunOfJob(jobId);
    if (run && run.finished_at === null) await this.finish(run.id, jobId);
  }

  private async finish(runId: string, jobId: string): Promise<void> {
    const { store, clock, log } = this.deps;
    const run = await store.policies.policyRunOfJob(jobId);
    if (!run || run.finished_at !== null) return;
    // The job is done (or never came to be): these counts are final.
    const counts = await withCounts(store, run);
    try {
      await this.beforeRunFinished?.(counts);
    } catch (error) {
      log.warn('a finished policy run stays open until its report is queued', { job_id: jobId, error: String(error) });
      return;
    }
    const at = unixSeconds(clock);
    if (!(await store.policies.finishPolicyRun(runId, at))) return;
    const counted = { ...counts, finished_at: counts.finished_at ?? at };
    log.info(`policy '${counted.policy_name}' run finished: ${counted.cancelled} cancelled, ${counted.skipped} already finished, ${counted.failed} failed`);
    try {
      this.onRunFinished?.(counted);
    } catch (error) {
      log.error('onRunFinished failed', { error: String(error) });
    }
  }
}
