// Bulk cancels run as server-side jobs: the items are written down first, then worked through by
// every replica sharing the store. A replica claims items under a lease (oldest job first), keeps
// the lease alive with a heartbeat while it works, marks an item sent just before its upstream
// call, and settles it with its audit entry, once. A replica that dies leaves its leases to
// expire, and another takes the items over (one that had been sent counts as possibly landed); one
// that stops hands them back at once. The leases are also the concurrency slots, counted across
// all replicas, and a 429's pause is kept in the store for all of them. With one process (SQLite)
// this is the same code: a restart takes its own leases back and resumes with exactly what is left.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { BulkCancelJob, ParsedUploadFilter } from '#contract/dashboard-api.ts';
import { unixSeconds } from '#server/lib/clock.ts';
import type { ClaimedJobItem } from '#server/store/upload-store.ts';
import { BULK_RETRY, CancelWithdrawn, type CancelDeps, type CancelService, type RetryPolicy } from './cancel-service.ts';
import { SharedUpstreamGate } from './upstream-gate.ts';

/** How long a claim lasts without a heartbeat: longer than one upstream call may take, short enough to take over a dead replica's items soon. */
export const DEFAULT_LEASE_MS = 30_000;

export interface BulkRunnerOptions {
  /**
   * Bulk cancels being worked at once, all jobs and all replicas together (each holds a leased
   * item). Every replica must be given the same number.
   */
  concurrency: number;
  retry?: RetryPolicy;
  /** Most uploads one "cancel all matching" job may take. */
  maxItems?: number;
  /**
   * This replica's name on its leases (default 'local'): unique among the replicas sharing the
   * store. Keep it across restarts where you can: a replica starting under a name takes that
   * name's leases back at once (they can only be left over from its own earlier run).
   */
  owner?: string;
  /** How long a lease lasts unless renewed (default 30 s): how soon a dead replica's items are taken over. */
  leaseMs?: number;
  /** How often to look for work nobody holds (default 1 s); a job started here is looked at at once. */
  pollMs?: number;
  /** How long stop() lets items in flight finish before handing them back anyway (default 10 s). */
  stopGraceMs?: number;
  /** Wall-clock milliseconds for leases and the shared pause (default Date.now), not the console's adjustable clock. */
  now?: () => number;
  /** The audit source of a job's cancels (default `bulk`): `policy` for the jobs a cleanup policy's run started. Asked once per job. */
  auditSource?: (jobId: string) => Promise<'bulk' | 'policy'>;
}

/** A new bulk job's id (callers that must write the id down before the job exists make it here). */
export const newBulkJobId = (): string => `bulk_${randomBytes(12).toString('hex')}`;

/** A name for this replica's leases: 'local' for a store of its own, else host, process and a random part (unique, but new at each start). */
export function defaultReplicaId(sharedStore: boolean): string {
  return sharedStore ? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}` : 'local';
}

export type BulkStartRequest = { ids: string[]; reason?: string | undefined } | { filter: ParsedUploadFilter; reason?: string | undefined };

/** How often an idle replica looks for jobs whose items are all settled but that nobody finished (a replica died in between). */
const LEFTOVER_SWEEP_MS = 10_000;

interface JobHere {
  /** Upstream calls this replica has in flight for the job, and the most at once. */
  inFlight: number;
  peak: number;
  reportedAt: number;
}

export class BulkCancelRunner {
  /** Items this replica holds, by `job#seq`. */
  private readonly active = new Map<string, { item: ClaimedJobItem; done: Promise<void> }>();
  private readonly jobs = new Map<string, JobHere>();
  /** Each job's audit source, asked once (options.auditSource). */
  private readonly sources = new Map<string, Promise<'bulk' | 'policy'>>();
  private readonly gate: SharedUpstreamGate;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: Pick<CancelDeps, 'clock' | 'store' | 'feed' | 'log'>,
    private readonly cancels: CancelService,
    private readonly options: BulkRunnerOptions,
  ) {
    this.owner = options.owner ?? 'local';
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.now = options.now ?? Date.now;
    this.gate = new SharedUpstreamGate(deps.store, { now: this.now, log: deps.log });
  }

  /** Writes the job down and sets to work on it; answers at once with the job as created. */
  async start(request: BulkStartRequest, actor: string, jobId: string = newBulkJobId()): Promise<BulkCancelJob> {
    const now = unixSeconds(this.deps.clock);
    const ids =
      'ids' in request
        ? [...new Set(request.ids)]
        : await this.deps.store.pendingIdsMatching(request.filter, now, this.options.maxItems ?? 100_000);
    const job = await this.deps.store.createJob(
      { id: jobId, created_by: actor, created_at: now, reason: request.reason ?? null },
      ids,
    );
    this.deps.feed.emit('job', job);
    // Nothing to do (a filter that matched nothing): done at once. Otherwise it is written down,
    // so this replica, or any other, works it even if this one stops now.
    if (ids.length === 0) await this.finish(job.id);
    this.run();
    this.wake();
    return job;
  }

  /** Takes back this replica's own leases from an earlier run, then works every running job with the others. */
  async resume(): Promise<number> {
    const { store, log } = this.deps;
    // Under this name nobody else holds leases: any are left by an earlier run of this replica
    // that died, and waiting for them to expire would only hold the job up.
    await store.releaseJobItems(this.owner);
    let resumed = 0;
    for (const job of await store.runningJobs()) {
      if (job.progress.pending === 0) {
        await this.finish(job.id); // a replica died between settling its last item and finishing it
        continue;
      }
      resumed++;
      log.info(`resuming bulk cancel ${job.id}: ${job.progress.pending} of ${job.total} left`);
    }
    this.run();
    this.wake();
    return resumed;
  }

  /** Looks for work now (a job was started, or another replica said there is some). */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claim().finally(() => (this.claiming = null));
  }

  /**
   * Resolves when this replica has nothing in flight and nothing left that it could claim now:
   * every job finished, or what is left is held by other replicas.
   */
  async idle(): Promise<void> {
    for (;;) {
      this.wake();
      await this.claiming;
      if (this.active.size === 0) {
        if (!this.claiming) return;
        continue;
      }
      await Promise.race([...this.active.values()].map((held) => held.done));
    }
  }

  /**
   * Stops claiming; items in flight get `stopGraceMs` to finish (one whose retry comes after that
   * is left with its sent mark), then every lease still held is handed back at once, so another
   * replica (or the next start) carries on without waiting for them to expire.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const { store, feed, log } = this.deps;
      this.stopping = true;
      const [poll, heartbeat] = this.timers;
      clearInterval(poll);
      await this.claiming;
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all([...this.active.values()].map((held) => held.done)).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.stopGraceMs ?? 10_000))),
      ]);
      clearTimeout(timer);
      clearInterval(heartbeat);
      if (!drained) log.warn(`stopping with ${this.active.size} bulk cancel item(s) still in flight: handing them back as possibly sent`);
      try {
        const handed = await store.releaseJobItems(this.owner);
        if (handed > 0) log.info(`handed ${handed} bulk cancel item(s) back for another replica to finish`);
      } catch (error) {
        log.warn('could not hand bulk cancel items back; they are taken over when their leases expire', { error: String(error) });
      }
      // Dashboards see where the jobs this replica worked on were left.
      for (const jobId of this.jobs.keys()) {
        const current = await store.getJob(jobId, false).catch(() => null);
        if (current) feed.emit('job', current);
      }
    })();
    return this.stopped;
  }

  /** Starts the poll and the heartbeat, once. */
  private run(): void {
    if (this.timers.length > 0 || this.stopping) return;
    const poll = setInterval(() => this.wake(), this.options.pollMs ?? 1_000);
    // Renewed three times per lease: a late or failed renewal still leaves time for the next.
    const heartbeat = setInterval(() => void this.heartbeat(), Math.max(1, Math.floor(this.leaseMs / 3)));
    poll.unref();
    heartbeat.unref();
    this.timers = [poll, heartbeat];
  }

  private async heartbeat(): Promise<void> {
    if (this.active.size === 0) return;
    const items = [...this.active.values()].map(({ item }) => item);
    try {
      await this.deps.store.renewJobItems({ owner: this.owner, now: this.now(), leaseMs: this.leaseMs }, items);
    } catch (error) {
      // Not fatal yet: an item's call is only made after markJobItemSent confirms its lease.
      this.deps.log.warn('could not renew bulk cancel leases; other replicas take the items over if this goes on', { error: String(error) });
    }
  }

  /** Claims as many items as there are free slots (here, and across all replicas), and starts each. */
  private async claim(): Promise<void> {
    const { store, log } = this.deps;
    do {
      this.claimAgain = false;
      const free = this.options.concurrency - this.active.size;
      if (free <= 0 || this.stopping) return;
      let items: ClaimedJobItem[];
      try {
        items = await store.claimJobItems({ owner: this.owner, now: this.now(), leaseMs: this.leaseMs, limit: free, cap: this.options.concurrency });
      } catch (error) {
        log.warn('could not claim bulk cancel items; trying again shortly', { error: String(error) });
        return;
      }
      // Claimed as stop() began: stop() hands them back with the rest.
      if (this.stopping) return;
      this.sayTakenOver(items);
      for (const item of items) this.work(item);
      if (items.length === 0) await this.finishLeftovers();
    } while (this.claimAgain);
  }

  private sayTakenOver(items: readonly ClaimedJobItem[]): void {
    const taken = new Map<string, { from: Set<string>; n: number }>();
    for (const item of items) {
      if (item.taken_from === null) continue;
      const job = taken.get(item.job_id) ?? { from: new Set(), n: 0 };
      job.from.add(item.taken_from);
      job.n++;
      taken.set(item.job_id, job);
    }
    for (const [jobId, { from, n }] of taken) this.deps.log.info(`bulk cancel ${jobId}: took over ${n} item(s) ${[...from].join(', ')} had claimed`);
  }

  private work(item: ClaimedJobItem): void {
    const key = `${item.job_id}#${item.seq}`;
    const done = this.settle(item)
      .then(async (settled) => {
        if (settled) await this.afterItem(item.job_id);
        // Not sent: hand it back now rather than let the lease run out.
        else await this.deps.store.releaseJobItems(this.owner, [item]);
      })
      .catch((error: unknown) => this.deps.log.error(`bulk cancel ${item.job_id}: item ${item.upload_id} stopped on an error`, { error: String(error) }))
      .finally(() => {
        this.active.delete(key);
        this.wake();
      });
    this.active.set(key, { item, done });
  }

  /** Sends one item's cancel and settles it; false when it was not sent (withdrawn: whoever holds it next sends it). */
  private async settle(item: ClaimedJobItem): Promise<boolean> {
    const { store, clock, log } = this.deps;
    const known = await store.getUpload(item.upload_id, unixSeconds(clock));
    if (known && known.status !== 'pending') {
      await store.finishJobItem(item.job_id, item.seq, { outcome: 'skipped', message: `Already ${known.status}`, upstream_status: null });
      return true;
    }
    const source = await this.auditSourceOf(item.job_id);
    const job = this.jobHere(item.job_id);
    job.inFlight += 1;
    job.peak = Math.max(job.peak, job.inFlight);
    try {
      const result = await this.cancels.cancel({
        id: item.upload_id,
        actor: item.created_by,
        via: 'bulk',
        source,
        reason: item.reason,
        jobItem: { jobId: item.job_id, seq: item.seq },
        // Sent before by a replica that died or stopped mid-call (this one's earlier run included).
        mayHaveLanded: item.sent_at !== null,
        retry: this.options.retry ?? BULK_RETRY,
        gate: this.gate,
        beforeCall: () => this.markSent(item),
      });
      // Its audit entry settles the item; if that could not be written (or the item was settled
      // already, when this writes nothing), this does.
      if (!result.audit) {
        await store.finishJobItem(item.job_id, item.seq, {
          outcome: result.outcome,
          message: result.error?.envelope.error.message ?? null,
          upstream_status: result.error ? result.error.status || null : 200,
        });
      }
      return true;
    } catch (error) {
      if (error instanceof CancelWithdrawn) return false;
      // One item's trouble (a store error, say) settles that item as failed; the job goes on.
      log.error(`bulk cancel ${item.job_id}: item ${item.upload_id} failed`, { error: String(error) });
      await store.finishJobItem(item.job_id, item.seq, { outcome: 'failed', message: 'The console could not process this item; see the server log.', upstream_status: null }).catch(() => {});
      return true;
    } finally {
      job.inFlight -= 1;
    }
  }

  /** Just before each upstream call: only with the lease confirmed (and extended), and the call marked as sent. */
  private async markSent(item: ClaimedJobItem): Promise<void> {
    if (this.stopping) throw new CancelWithdrawn('stopping: the item is left for whoever holds it next');
    let held: boolean;
    try {
      held = await this.deps.store.markJobItemSent({ owner: this.owner, now: this.now(), leaseMs: this.leaseMs, job_id: item.job_id, seq: item.seq });
    } catch (error) {
      // A call that could not be marked would be sent again, unmarked, by the next holder.
      throw new CancelWithdrawn(`could not mark the item sent: ${String(error)}`);
    }
    if (!held) throw new CancelWithdrawn('the lease on the item has run out');
  }

  private async afterItem(jobId: string): Promise<void> {
    if (!(await this.finish(jobId))) await this.reportProgress(jobId);
  }

  /** Finishes the job if nothing is left; only the replica whose call finished it announces it. */
  private async finish(jobId: string): Promise<boolean> {
    const finished = await this.deps.store.finishJob(jobId, unixSeconds(this.deps.clock), this.jobs.get(jobId)?.peak ?? 0);
    if (!finished) return false;
    this.jobs.delete(jobId);
    this.sources.delete(jobId);
    this.deps.feed.emit('job', finished);
    return true;
  }

  /** Live dashboards hear about progress at most a few times a second. */
  private async reportProgress(jobId: string): Promise<void> {
    const job = this.jobHere(jobId);
    if (Date.now() - job.reportedAt < 250) return;
    job.reportedAt = Date.now();
    const current = await this.deps.store.getJob(jobId, false);
    // Done by a call of another worker (or replica) in the meantime: that call announces it, once.
    if (current && current.state !== 'done') this.deps.feed.emit('job', current);
  }

  private async finishLeftovers(): Promise<void> {
    if (this.now() - this.sweptAt < LEFTOVER_SWEEP_MS) return;
    this.sweptAt = this.now();
    try {
      for (const job of await this.deps.store.runningJobs()) if (job.progress.pending === 0) await this.finish(job.id);
    } catch (error) {
      this.deps.log.warn('could not look for finished bulk cancel jobs', { error: String(error) });
    }
  }

  private auditSourceOf(jobId: string): Promise<'bulk' | 'policy'> {
    const ask = this.options.auditSource;
    if (!ask) return Promise.resolve('bulk');
    let source = this.sources.get(jobId);
    if (!source) {
      source = ask(jobId);
      this.sources.set(jobId, source);
      // Asked again next time rather than remembered as a failure.
      source.catch(() => this.sources.delete(jobId));
    }
    return source;
  }

  private jobHere(jobId: string): JobHere {
    let job = this.jobs.get(jobId);
    if (!job) this.jobs.set(jobId, (job = { inFlight: 0, peak: 0, reportedAt: 0 }));
    return job;
  }
}
