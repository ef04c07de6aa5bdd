// Bulk cancels run as server-side jobs: the items are written down first, then worked through
// with bounded concurrency. An item is done once its outcome is recorded, so a job interrupted by
// a restart resumes with exactly what is left, and nothing is cancelled or recorded twice.
import { randomBytes } from 'node:crypto';
import type { BulkCancelJob, ParsedUploadFilter } from '#contract/dashboard-api.ts';
import { unixSeconds } from '#server/lib/clock.ts';
import { BULK_RETRY, RetryGate, type CancelDeps, type CancelService, type RetryPolicy } from './cancel-service.ts';

export interface BulkRunnerOptions {
  /** Upstream calls in flight at once, per job. */
  concurrency: number;
  retry?: RetryPolicy;
  /** Most uploads one "cancel all matching" job may take. */
  maxItems?: number;
}

export type BulkStartRequest = { ids: string[]; reason?: string | undefined } | { filter: ParsedUploadFilter; reason?: string | undefined };

export class BulkCancelRunner {
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly deps: Pick<CancelDeps, 'clock' | 'store' | 'feed' | 'log'>,
    private readonly cancels: CancelService,
    private readonly options: BulkRunnerOptions,
  ) {}

  /** Writes the job down and starts it; answers at once with the job as created. */
  async start(request: BulkStartRequest, actor: string): Promise<BulkCancelJob> {
    const now = unixSeconds(this.deps.clock);
    const ids =
      'ids' in request
        ? [...new Set(request.ids)]
        : await this.deps.store.pendingIdsMatching(request.filter, now, this.options.maxItems ?? 100_000);
    const job = await this.deps.store.createJob(
      { id: `bulk_${randomBytes(12).toString('hex')}`, created_by: actor, created_at: now, reason: request.reason ?? null },
      ids,
    );
    this.deps.feed.emit('job', job);
    this.launch(job.id, actor, false);
    return job;
  }

  /** Picks up jobs a previous process left running. */
  async resume(): Promise<number> {
    const jobs = await this.deps.store.runningJobs();
    for (const job of jobs) {
      this.deps.log.info(`resuming bulk cancel ${job.id}: ${job.progress.pending} of ${job.total} left`);
      this.launch(job.id, job.created_by, true);
    }
    return jobs.length;
  }

  /** Resolves when every job this runner started has finished (or stopped). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Stops taking new items; items in flight finish. Unfinished jobs resume at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private launch(jobId: string, actor: string, resumed: boolean): void {
    if (this.running.has(jobId)) return;
    const run = this.run(jobId, actor, resumed)
      .catch((error: unknown) => this.deps.log.error(`bulk cancel ${jobId} stopped on an error`, { error: String(error) }))
      .finally(() => this.running.delete(jobId));
    this.running.set(jobId, run);
  }

  private async run(jobId: string, actor: string, resumed: boolean): Promise<void> {
    const { store, clock, feed } = this.deps;
    const job = await store.getJob(jobId, false);
    if (!job) return;
    const gate = new RetryGate();
    let afterSeq = 0;
    let inFlight = 0;
    let peak = 0;
    let lastProgress = 0;

    const reportProgress = async (force = false) => {
      // Live dashboards hear about progress at most a few times a second.
      if (!force && Date.now() - lastProgress < 250) return;
      lastProgress = Date.now();
      const current = await store.getJob(jobId, false);
      if (current) feed.emit('job', current);
    };

    const worker = async (queue: { seq: number; upload_id: string }[]) => {
      for (let item = queue.shift(); item && !this.stopping; item = queue.shift()) {
        const known = await store.getUpload(item.upload_id, unixSeconds(clock));
        if (known && known.status !== 'pending') {
          await store.finishJobItem(jobId, item.seq, { outcome: 'skipped', message: `Already ${known.status}`, upstream_status: null });
        } else {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          try {
            await this.settleOne(jobId, item, actor, job.reason, resumed, gate);
          } catch (error) {
            // One item's trouble (a store error, say) settles that item as failed; the job goes on.
            this.deps.log.error(`bulk cancel ${jobId}: item ${item.upload_id} failed`, { error: String(error) });
            await store.finishJobItem(jobId, item.seq, { outcome: 'failed', message: 'The console could not process this item; see the server log.', upstream_status: null }).catch(() => {});
          } finally {
            inFlight -= 1;
          }
        }
        await reportProgress();
      }
    };

    for (;;) {
      const batch = await store.jobItemsToDo(jobId, afterSeq, 500);
      if (batch.length === 0 || this.stopping) break;
      afterSeq = batch.at(-1)!.seq;
      const queue = [...batch];
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, () => worker(queue)));
    }
    if (this.stopping) {
      await reportProgress(true);
      return;
    }
    const finished = await store.finishJob(jobId, unixSeconds(clock), peak);
    if (finished) feed.emit('job', finished);
  }

  /** Sends one item's cancel; its audit entry settles the item (or, if that could not be written, this does). */
  private async settleOne(jobId: string, item: { seq: number; upload_id: string }, actor: string, reason: string | null, resumed: boolean, gate: RetryGate) {
    const result = await this.cancels.cancel({
      id: item.upload_id,
      actor,
      via: 'bulk',
      reason,
      jobItem: { jobId, seq: item.seq },
      // After a restart, an item may have been sent just before the process died.
      mayHaveLanded: resumed,
      retry: this.options.retry ?? BULK_RETRY,
      gate,
    });
    if (!result.audit) {
      await this.deps.store.finishJobItem(jobId, item.seq, {
        outcome: result.outcome,
        message: result.error?.envelope.error.message ?? null,
        upstream_status: result.error ? result.error.status || null : 200,
      });
    }
  }
}
