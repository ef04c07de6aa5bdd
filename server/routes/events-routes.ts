// Live updates for open dashboards, as server-sent events (see LIVE_EVENTS in the contract).
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppEnv } from '#server/app-env.ts';
import { ApiError } from '#server/lib/api-error.ts';
import type { ChangeFeed } from '#server/lib/change-feed.ts';

type Outgoing = { event: string; data: string } | 'ping' | 'close';

/** A dashboard this far behind is not reading: its stream ends, and it reconnects and refetches. */
const MAX_QUEUED = 5_000;

export interface EventRouteDeps {
  feed: ChangeFeed;
  heartbeatMs?: number;
  /**
   * Whether this replica hears every change right now (server/live/change-relay.ts). While it does
   * not, a stream would look live and miss changes: the request is refused (503), the dashboard
   * polls and tries again, and catches up when a stream opens. Default: always.
   */
  live?: () => boolean;
  /** Called as a stream opens; what it returns, as it ends (the metrics' open-streams gauge). */
  countStream?: () => () => void;
}

export function eventRoutes({ feed, heartbeatMs = 15_000, live = () => true, countStream }: EventRouteDeps) {
  return new Hono<AppEnv>().get('/', (c) => {
    if (!live()) {
      throw new ApiError(503, 'Live updates are reconnecting to the database; the dashboard refreshes on its own meanwhile.', {
        type: 'server_error',
        code: 'live_updates_unavailable',
        headers: { 'retry-after': '2' },
      });
    }
    c.header('cache-control', 'no-cache, no-transform');
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: Outgoing[] = [];
      let wake: (() => void) | null = null;
      const push = (item: Outgoing) => {
        if (queue.length >= MAX_QUEUED) queue.splice(0, queue.length, 'close');
        else queue.push(item);
        wake?.();
      };
      const unsubscribe = [
        feed.on('upload', (record) => push({ event: 'upload', data: JSON.stringify(record) })),
        feed.on('job', (job) => push({ event: 'job', data: JSON.stringify(job) })),
        feed.on('counts', (counts) => push({ event: 'counts', data: JSON.stringify(counts) })),
        feed.on('close', () => push('close')),
        // Changes may have been missed: ending the stream makes the dashboard reconnect and refetch.
        feed.on('resync', () => push('close')),
      ];
      const heartbeat = setInterval(() => push('ping'), heartbeatMs);
      const uncount = countStream?.();
      stream.onAbort(() => wake?.());
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' });
        await pump(stream, queue, (resolve) => (wake = resolve));
      } finally {
        // However the stream ends (client gone, shutdown, too far behind), nothing of it stays subscribed.
        clearInterval(heartbeat);
        for (const off of unsubscribe) off();
        uncount?.();
      }
    });
  });
}

async function pump(stream: SSEStreamingApi, queue: Outgoing[], sleep: (wake: () => void) => void): Promise<void> {
  while (!stream.aborted) {
    const next = queue.shift();
    if (next === undefined) await new Promise<void>(sleep);
    else if (next === 'close') return;
    else if (next === 'ping') await stream.write(': ping\n\n');
    else await stream.writeSSE(next);
  }
}
