// Live updates for open dashboards, as server-sent events (see LIVE_EVENTS in the contract).
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppEnv } from '#server/app-env.ts';
import type { ChangeFeed } from '#server/lib/change-feed.ts';

type Outgoing = { event: string; data: string } | 'ping' | 'close';

/** A dashboard this far behind is not reading: its stream ends, and it reconnects and refetches. */
const MAX_QUEUED = 5_000;

export function eventRoutes({ feed, heartbeatMs = 15_000 }: { feed: ChangeFeed; heartbeatMs?: number }) {
  return new Hono<AppEnv>().get('/', (c) => {
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
      ];
      const heartbeat = setInterval(() => push('ping'), heartbeatMs);
      stream.onAbort(() => wake?.());
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' });
        await pump(stream, queue, (resolve) => (wake = resolve));
      } finally {
        // However the stream ends (client gone, shutdown, too far behind), nothing of it stays subscribed.
        clearInterval(heartbeat);
        for (const off of unsubscribe) off();
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
