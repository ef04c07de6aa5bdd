// The uploads-over-time chart's buckets, as both stores compute them: uploads created per bucket
// by stored status come from a table that triggers keep (upload_activity, in 5-minute and hourly
// buckets, see the migrations), so a week is a few hundred small rows whatever the traffic; what
// depends on the time now (a pending upload past its expiry reads as expired, and stuck) is counted
// over the pending uploads of the window only, on the (status, created_at) index. One statement.
import type { StatusCounts } from '#contract/dashboard-api.ts';
import { UPLOAD_STATUSES } from '#contract/constants.ts';

/** The bucket lengths upload_activity keeps (seconds). */
export const ACTIVITY_TABLE_SIZES = [300, 3600] as const;

export interface ActivityRange {
  /** Unix seconds, a multiple of bucketSeconds: the first bucket's start. */
  from: number;
  /** Unix seconds, a multiple of bucketSeconds: the last bucket's end (exclusive). */
  to: number;
  /** A multiple of 300 seconds. */
  bucketSeconds: number;
}

/** Which of upload_activity's bucket lengths a range is summed from (the longest that divides it). */
export function activityTableSize({ from, to, bucketSeconds }: ActivityRange): number {
  const size = [...ACTIVITY_TABLE_SIZES].reverse().find((s) => bucketSeconds % s === 0);
  if (size === undefined || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from % bucketSeconds !== 0 || to % bucketSeconds !== 0 || to <= from) {
    throw new TypeError(`Not an activity range: ${from}..${to} in buckets of ${bucketSeconds} s`);
  }
  return size;
}

/**
 * A row of the activity statement: a bucket's index (start / bucketSeconds) and a stored status
 * with its count, or `lapsed` (pending past expiry, not swept yet) or `stuck`, counted over pending rows.
 */
export interface ActivityRow {
  bucket: number;
  status: string;
  n: number;
}

const emptyCounts = (): StatusCounts => ({ pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 });

/** The statement's rows as effective counts per bucket start (only buckets with uploads). */
export function activityFromRows(rows: readonly ActivityRow[], bucketSeconds: number): Map<number, StatusCounts> {
  const buckets = new Map<number, StatusCounts>();
  for (const { bucket, status, n } of rows) {
    const start = Number(bucket) * bucketSeconds;
    let counts = buckets.get(start);
    if (!counts) buckets.set(start, (counts = emptyCounts()));
    const count = Number(n);
    if (status === 'lapsed') {
      counts.pending -= count;
      counts.expired += count;
    } else if (status === 'stuck') {
      counts.stuck += count;
    } else if ((UPLOAD_STATUSES as readonly string[]).includes(status)) {
      counts[status as keyof StatusCounts] += count;
    }
  }
  for (const [start, counts] of buckets) {
    if (UPLOAD_STATUSES.every((s) => counts[s] === 0)) buckets.delete(start);
  }
  return buckets;
}
