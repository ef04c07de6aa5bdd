// Retention: finished uploads last active RETENTION_DAYS ago or more leave the store with their
// parts and events, and audit entries (and sent alert messages) AUDIT_RETENTION_DAYS old or more leave too. The console runs
// a round every so often (server/console.ts). A round is many small batches, each its own short
// transaction, with a pause between them: on SQLite, the one writer is never held for long, so
// recording SDK traffic and cancels never waits behind a purge; on PostgreSQL, replicas sweeping at
// once skip each other's rows (the store's purge methods say how).
//
// "Older than RETENTION_DAYS" is measured from an upload's last activity (and its expiry), not its
// creation: the last thing that happened to it is what an operator last looked at, so an upload
// cancelled by id yesterday stays for the window even if it was created long before.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusCounts } from '#contract/dashboard-api.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

export const DAY_SECONDS = 86_400;

export interface RetentionSettings {
  /** Finished uploads are kept this many days after their last activity; 0 keeps them forever. */
  uploadDays: number;
  /** Audit entries are kept this many days; 0 keeps them forever. */
  auditDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { uploadDays: 30, auditDays: 365 };

export interface RetentionOptions {
  /** Rows per batch (one transaction each). */
  batchSize?: number;
  /** Pause between batches, in ms, so other work gets the database (0: only a turn of the event loop). */
  pauseMs?: number;
}

export interface RetentionRound {
  uploads: number;
  audit: number;
}

export interface RetentionDeps {
  store: UploadStore;
  clock: Clock;
  log: Logger;
  /** Told the new counts after a round removed uploads (live dashboards' tabs). */
  onCounts?: (counts: StatusCounts) => void;
}

/** Unix seconds at or before which a finished upload may go; null keeps them all. */
export function uploadCutoff(settings: RetentionSettings, now: number): number | null {
  return settings.uploadDays > 0 ? now - settings.uploadDays * DAY_SECONDS : null;
}

export class RetentionSweeper {
  private readonly batchSize: number;
  private readonly pauseMs: number;
  private round: Promise<RetentionRound> | null = null;
  private stopping = false;

  constructor(
    private readonly deps: RetentionDeps,
    readonly settings: RetentionSettings,
    options: RetentionOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pauseMs = options.pauseMs ?? 20;
  }

  /** One round, until nothing old is left (or stop() is called). A round already running is joined, not doubled. */
  sweep(): Promise<RetentionRound> {
    return (this.round ??= this.run().finally(() => (this.round = null)));
  }

  /** Ends the round in progress after its current batch (each batch commits or leaves nothing), and refuses new ones. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.round?.catch(() => {});
  }

  private async run(): Promise<RetentionRound> {
    const { store, clock, log } = this.deps;
    const now = unixSeconds(clock);
    const cutoff = uploadCutoff(this.settings, now);
    const uploads = cutoff === null ? 0 : await this.batches((limit) => store.purgeFinishedUploads(cutoff, limit));
    const audit = this.settings.auditDays > 0 ? await this.batches((limit) => store.purgeAuditEntries(now - this.settings.auditDays * DAY_SECONDS, limit)) : 0;
    // Alert messages already sent (or given up) are kept as long as the audit log.
    if (this.settings.auditDays > 0) await this.batches((limit) => store.purgeSettledAlerts((now - this.settings.auditDays * DAY_SECONDS) * 1000, limit));
    if (uploads > 0 || audit > 0) {
      log.info(`retention: removed ${uploads} finished upload(s) older than ${this.settings.uploadDays} days and ${audit} audit entr${audit === 1 ? 'y' : 'ies'} older than ${this.settings.auditDays} days`);
    }
    if (uploads > 0 && this.deps.onCounts) this.deps.onCounts(await store.countByStatus(unixSeconds(clock)));
    return { uploads, audit };
  }

  private async batches(batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    while (!this.stopping) {
      const n = await batch(this.batchSize);
      total += n;
      // None left (or another replica is taking the rest). A short batch is not the end: on
      // PostgreSQL a batch holds one stored status.
      if (n === 0) break;
      // Between batches, whatever else waits for the database goes first.
      await sleep(this.pauseMs);
    }
    return total;
  }
}
