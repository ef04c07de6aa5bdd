// GET /api/uploads/activity: the uploads-over-time chart above the list. Uploads created per
// bucket of the window, by effective status now, stuck marked; every bucket of the window is in
// the answer, empty ones too, so the dashboard draws it as it comes.
import { Hono } from 'hono';
import { ACTIVITY_WINDOW_SPANS, activityQuerySchema, type ActivityWindow, type StatusCounts, type UploadActivity } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import { parseQuery } from '#server/lib/validation.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

const STATUS_KEYS = ['pending', 'completed', 'cancelled', 'expired', 'stuck'] as const satisfies readonly (keyof StatusCounts)[];

/** The window's buckets at `now`: aligned on multiples of their length, the last one holding `now`. */
export function activityWindow(window: ActivityWindow, now: number): { from: number; to: number; bucketSeconds: number } {
  const { buckets, bucketSeconds } = ACTIVITY_WINDOW_SPANS[window];
  const to = (Math.floor(now / bucketSeconds) + 1) * bucketSeconds;
  return { from: to - buckets * bucketSeconds, to, bucketSeconds };
}

export function activityRoutes({ clock, store }: { clock: Clock; store: UploadStore }) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const { window } = parseQuery(c, activityQuerySchema);
    const now = unixSeconds(clock);
    const range = activityWindow(window, now);
    const found = await store.activityBuckets(range, now);
    const totals: StatusCounts = { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };
    const buckets: UploadActivity['buckets'] = [];
    for (let start = range.from; start < range.to; start += range.bucketSeconds) {
      const counts = found.get(start) ?? { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };
      for (const key of STATUS_KEYS) totals[key] += counts[key];
      buckets.push({ start, end: start + range.bucketSeconds, counts });
    }
    const body: UploadActivity = { object: 'upload_activity', window, bucket_seconds: range.bucketSeconds, start: range.from, end: range.to, buckets, totals };
    return c.json(body);
  });
}
