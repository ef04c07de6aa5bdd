// Live updates across replicas: the PostgreSQL store's triggers NOTIFY `uc_feed` with `u:<upload
// id>` or `j:<bulk job id>` after every committed change (server/store/postgres/migrations.ts),
// whoever made it: this replica or another, SDK traffic, a cancel, a bulk item, the expiry sweep.
// This replica's one listener collects the ids for a moment, re-reads them from the store and
// relays the records on the in-process ChangeFeed, which the SSE route and the counts broadcaster
// already read. Re-reading (not shipping records in the payload) keeps payloads far below
// NOTIFY's 8000 bytes and makes the order in which replicas hear things irrelevant: the newest
// state is read last. A gap in listening, or a re-read that fails, ends the live streams so
// dashboards reconnect and refetch: nothing is missed silently.
import type { ChangeFeed } from '#server/lib/change-feed.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { PgListener, type PgListenerOptions } from './pg-listener.ts';

/** The channel the store's triggers notify. */
export const FEED_CHANNEL = 'uc_feed';

/** Whether this replica hears every change right now (readiness, and whether /api/events may open). */
export interface LiveStatus {
  connected(): boolean;
}

/** One process with its in-process feed: always live. */
export const ALWAYS_LIVE: LiveStatus = { connected: () => true };

export interface ChangeRelayOptions {
  /** How long upload ids are collected before one re-read (default 50 ms). */
  uploadsMs?: number;
  /** Bulk jobs change once per settled item: their progress is re-read at most this often (default 250 ms, "a few times a second"). */
  jobsMs?: number;
  listener?: Pick<PgListenerOptions, 'heartbeatMs' | 'timeoutMs' | 'retryMs'>;
}

export interface ChangeRelay extends LiveStatus {
  /** Resolves after the first attempt to listen (it keeps trying in the background). */
  start(): Promise<void>;
  /** Stops listening; re-reads under way finish first. */
  stop(): Promise<void>;
}

/** Most ids one getUploads call is asked for. */
const UPLOADS_PER_READ = 500;

export function createChangeRelay(
  deps: { connectionString: string; feed: ChangeFeed; store: UploadStore; clock: Clock; log: Logger },
  options: ChangeRelayOptions = {},
): ChangeRelay {
  const { feed, store, clock, log } = deps;
  let stopped = false;
  const missed = (what: string) => (error: unknown) => {
    log.warn(`live updates: could not re-read ${what}; dashboards catch up by refetching`, { error: error instanceof Error ? error.message : String(error) });
    feed.resync();
  };

  const uploads = new Coalescer(options.uploadsMs ?? 50, async (ids) => {
    for (let i = 0; i < ids.length; i += UPLOADS_PER_READ) {
      const chunk = ids.slice(i, i + UPLOADS_PER_READ);
      const records = await store.getUploads(chunk, unixSeconds(clock));
      // In the order heard; an id the store no longer has is skipped.
      for (const id of chunk) {
        const record = records.get(id);
        if (record && !stopped) feed.relay('upload', record);
      }
    }
  }, missed('changed uploads'));

  const jobs = new Coalescer(options.jobsMs ?? 250, async (ids) => {
    for (const id of ids) {
      // Without items, as the runner's own progress events: dashboards keep the items they fetched.
      const job = await store.getJob(id, false);
      if (job && !stopped) feed.relay('job', job);
    }
  }, missed('changed bulk jobs'));

  const listener = new PgListener({
    ...options.listener,
    connectionString: deps.connectionString,
    channel: FEED_CHANNEL,
    log,
    onNotification: (payload) => {
      if (stopped) return;
      if (payload.startsWith('u:')) uploads.add(payload.slice(2));
      else if (payload.startsWith('j:')) jobs.add(payload.slice(2));
    },
    // Streams that were open before the gap (or opened in the moment before it was noticed)
    // end, both when the session is lost and when it is back; /api/events refuses new ones in
    // between (events-routes.ts), so a dashboard polls instead of showing "live" while deaf.
    onLost: () => feed.resync(),
    onListening: (first) => {
      if (!first) feed.resync();
    },
  });

  return {
    connected: () => listener.connected,
    start: () => listener.start(),
    async stop() {
      stopped = true;
      await listener.stop();
      await Promise.all([uploads.stop(), jobs.stop()]);
    },
  };
}

/**
 * Collects keys for `delayMs` after the first, then hands them over in one batch. Batches run one
 * at a time, so a slow re-read cannot overtake the next and relay an older state after a newer one.
 */
class Coalescer {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly delayMs: number,
    private readonly work: (keys: string[]) => Promise<void>,
    private readonly failed: (error: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    await this.running;
  }

  private schedule(): void {
    if (this.timer || this.running || this.stopped || this.pending.size === 0) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    const keys = [...this.pending];
    this.pending.clear();
    this.running = this.work(keys)
      .catch(this.failed)
      .finally(() => {
        this.running = null;
        this.schedule();
      });
  }
}
