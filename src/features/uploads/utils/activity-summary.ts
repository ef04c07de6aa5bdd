// The uploads-over-time chart's wording of counts: a bar's breakdown and accessible name, and the
// chart in a sentence or two for screen readers. Loaded with the chart (a lazy chunk).
import type { ActivityWindow, StatusCounts } from '#contract/dashboard-api.ts';
import { spanLabel } from './activity-wording.ts';

const count = new Intl.NumberFormat('en-US');

export const WINDOW_LABELS: Record<ActivityWindow, { short: string; long: string; per: string }> = {
  '1h': { short: '1 h', long: 'the last hour', per: 'per 5 minutes' },
  '24h': { short: '24 h', long: 'the last 24 hours', per: 'per hour' },
  '7d': { short: '7 d', long: 'the last 7 days', per: 'per 6 hours' },
};

export const totalOf = (counts: StatusCounts) => counts.pending + counts.completed + counts.cancelled + counts.expired;

const uploads = (n: number) => `${count.format(n)} ${n === 1 ? 'upload' : 'uploads'}`;

/** "20 completed, 7 pending (2 stuck)": the non-zero parts, in the chart's stacking order (bottom up). */
export function breakdown(counts: StatusCounts): string {
  const parts: string[] = [];
  if (counts.completed) parts.push(`${count.format(counts.completed)} completed`);
  if (counts.cancelled) parts.push(`${count.format(counts.cancelled)} cancelled`);
  if (counts.expired) parts.push(`${count.format(counts.expired)} expired`);
  if (counts.pending) parts.push(`${count.format(counts.pending)} pending${counts.stuck ? ` (${count.format(counts.stuck)} stuck)` : ''}`);
  return parts.join(', ');
}

/** A bar's accessible name: "Today 14:00–15:00: 35 uploads, 20 completed, 7 pending (2 stuck)". */
export function barLabel(start: number, end: number, counts: StatusCounts, nowMs: number): string {
  const total = totalOf(counts);
  return `${spanLabel(start, end, nowMs)}: ${total === 0 ? 'no uploads' : `${uploads(total)}, ${breakdown(counts)}`}`;
}

/** The chart in one or two sentences, for screen readers. */
export function activitySummary(
  window: ActivityWindow,
  totals: StatusCounts,
  buckets: readonly { start: number; end: number; counts: StatusCounts }[],
  nowMs: number,
): string {
  const total = totalOf(totals);
  const { long } = WINDOW_LABELS[window];
  if (total === 0) return `No uploads were created in ${long}.`;
  const busiest = buckets.reduce((best, bucket) => (totalOf(bucket.counts) > totalOf(best.counts) ? bucket : best), buckets[0]!);
  return (
    `${uploads(total)} created in ${long}: ${breakdown(totals)}. ` +
    `Busiest: ${spanLabel(busiest.start, busiest.end, nowMs)}, with ${uploads(totalOf(busiest.counts))}.`
  );
}
