// What changed, for live dashboards (server-sent events). In-process: with several proxy
// replicas this would ride on the shared store (e.g. PostgreSQL LISTEN/NOTIFY).
import { EventEmitter } from 'node:events';
import type { BulkCancelJob, StatusCounts, UploadRecord } from '#contract/dashboard-api.ts';

export interface ChangeEvents {
  upload: UploadRecord;
  job: BulkCancelJob;
  counts: StatusCounts;
  /** The server is shutting down: live streams end so in-flight requests can drain. */
  close: null;
}

export class ChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open dashboard subscribes; the default limit of 10 would warn at the eleventh.
    this.emitter.setMaxListeners(0);
  }

  close(): void {
    this.emit('close', null);
  }

  emit<K extends keyof ChangeEvents>(event: K, payload: ChangeEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  on<K extends keyof ChangeEvents>(event: K, listener: (payload: ChangeEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
