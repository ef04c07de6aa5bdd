// The pause a 429 asks for, kept in the store so that it holds for every replica's bulk work, not
// only for the one that was told. Read before each bulk call; a short cache keeps that from being
// a query per call, so another replica hears of a new pause within `cacheMs`.
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import type { UpstreamGate } from './cancel-service.ts';

export interface SharedGateOptions {
  /** Wall-clock milliseconds, as every replica reads them (default Date.now). */
  now?: () => number;
  /** How long a read of the store's pause is trusted (default 250 ms). */
  cacheMs?: number;
  log: Logger;
}

export class SharedUpstreamGate implements UpstreamGate {
  private until = 0;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(
    private readonly store: Pick<UploadStore, 'setUpstreamPause' | 'upstreamPausedUntil'>,
    private readonly options: SharedGateOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheMs = options.cacheMs ?? 250;
  }

  async waitMs(): Promise<number> {
    if (this.now() - this.readAt >= this.cacheMs) {
      // One read at a time, however many workers ask at once.
      this.reading ??= this.store
        .upstreamPausedUntil()
        .then(
          (until) => {
            this.until = Math.max(this.until, until);
            this.readAt = this.now();
          },
          // The store is unreachable: go by what this replica knows (its own 429s) until it answers.
          (error: unknown) => this.options.log.warn('could not read the shared upstream pause', { error: String(error) }),
        )
        .finally(() => (this.reading = null));
      await this.reading;
    }
    return Math.max(0, this.until - this.now());
  }

  async closeFor(ms: number): Promise<void> {
    const until = this.now() + ms;
    this.until = Math.max(this.until, until);
    try {
      await this.store.setUpstreamPause(until);
    } catch (error) {
      // This replica still pauses; the others find out from their own 429s.
      this.options.log.warn('could not share an upstream pause with other replicas', { error: String(error) });
    }
  }
}
