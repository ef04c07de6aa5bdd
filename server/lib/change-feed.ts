// What changed, for live dashboards (server-sent events, server/routes/events-routes.ts).
//
// One process (SQLite): the code that writes a change announces it here with emit().
// Several replicas (PostgreSQL): the database announces every change to an upload or a bulk job
// itself (NOTIFY from triggers, after commit), and server/live/ relays what it hears with relay(),
// on every replica alike, the one that made the change included. The app's own emit() of those
// two events is then dropped: one publisher means no event is delivered twice, and a write path
// that forgot to emit is still announced.
import { EventEmitter } from 'node:events';
import type { BulkCancelJob, StatusCounts, UploadRecord } from '#contract/dashboard-api.ts';

export interface ChangeEvents {
  upload: UploadRecord;
  job: BulkCancelJob;
  counts: StatusCounts;
  /** The server is shutting down: live streams end so in-flight requests can drain. */
  close: null;
  /**
   * Changes may have been missed (the database listener lost its connection, or came back, or a
   * re-read failed): live streams end, so dashboards reconnect and refetch what they show.
   */
  resync: null;
}

/** The events the database announces itself when it is shared (server/live/change-relay.ts). */
const DATABASE_ANNOUNCED: ReadonlySet<keyof ChangeEvents> = new Set(['upload', 'job']);

export interface ChangeFeedOptions {
  /** True on a shared PostgreSQL store: `upload` and `job` come only through relay(). */
  announcedByDatabase?: boolean;
}

export class ChangeFeed {
  private readonly emitter = new EventEmitter();
  readonly announcedByDatabase: boolean;

  constructor(options: ChangeFeedOptions = {}) {
    this.announcedByDatabase = options.announcedByDatabase ?? false;
    // Every open dashboard subscribes; the default limit of 10 would warn at the eleventh.
    this.emitter.setMaxListeners(0);
  }

  close(): void {
    this.deliver('close', null);
  }

  /** Ends every live stream so dashboards catch up (see ChangeEvents.resync). */
  resync(): void {
    this.deliver('resync', null);
  }

  /** Announces a change made by this process (a no-op for what the database announces itself). */
  emit<K extends keyof ChangeEvents>(event: K, payload: ChangeEvents[K]): void {
    if (this.announcedByDatabase && DATABASE_ANNOUNCED.has(event)) return;
    this.deliver(event, payload);
  }

  /** Delivers a change the database announced, whichever replica made it. */
  relay<K extends 'upload' | 'job'>(event: K, payload: ChangeEvents[K]): void {
    this.deliver(event, payload);
  }

  on<K extends keyof ChangeEvents>(event: K, listener: (payload: ChangeEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private deliver<K extends keyof ChangeEvents>(event: K, payload: ChangeEvents[K]): void {
    this.emitter.emit(event, payload);
  }
}
