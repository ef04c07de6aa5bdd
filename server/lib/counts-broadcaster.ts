import { unixSeconds, type Clock } from './clock.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { Logger } from './logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

/** After uploads change, tells live dashboards the new status counts, at most once per interval. */
export function broadcastCounts(deps: { feed: ChangeFeed; store: UploadStore; clock: Clock; log: Logger }, intervalMs = 1000): () => void {
  let timer: NodeJS.Timeout | null = null;
  const stop = deps.feed.on('upload', () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      deps.store.countByStatus(unixSeconds(deps.clock)).then(
        (counts) => deps.feed.emit('counts', counts),
        (error: unknown) => deps.log.error('could not count uploads for live dashboards', { error: String(error) }),
      );
    }, intervalMs);
    timer.unref();
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}
