// How the uploads-over-time chart and the list's created-time chip put times and counts into
// words: a bucket's span ("Today 14:00–15:00"), a bar's breakdown, and the chart's summary for
// screen readers. Local time, 24-hour clock, as the rest of the dashboard writes it.
import { lightFormat } from 'date-fns';
import type { ActivityWindow, StatusCounts } from '#contract/dashboard-api.ts';
import { toDate } from '#src/lib/format-time.ts';

const count = new Intl.NumberFormat('en-US');
const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'short', day: 'numeric', month: 'short' });

export const WINDOW_LABELS: Record<ActivityWindow, { short: string; long: string; per: string }> = {
  '1h': { short: '1 h', long: 'the last hour', per: 'per 5 minutes' },
  '24h': { short: '24 h', long: 'the last 24 hours', per: 'per hour' },
  '7d': { short: '7 d', long: 'the last 7 days', per: 'per 6 hours' },
};

const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

/** "Today", "Yesterday" or "Tue, Dec 2": the day a moment falls on, seen from `nowMs`. */
export function dayLabel(unixSeconds: number, nowMs: number): string {
  const days = Math.round((startOfDay(new Date(nowMs)) - startOfDay(toDate(unixSeconds))) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return weekday.format(toDate(unixSeconds));
}

/** "14:05": a moment's local clock time. */
export const clock = (unixSeconds: number) => lightFormat(toDate(unixSeconds), 'HH:mm');

/** "Today 14:00–15:00", or across midnight "Yesterday 18:00 – Today 00:00". */
export function spanLabel(start: number, end: number, nowMs: number): string {
  const from = dayLabel(start, nowMs);
  // The end is exclusive: a span ending at midnight belongs to the day it started.
  const to = dayLabel(end - 1, nowMs);
  if (from === to) return `${from} ${clock(start)}–${clock(end)}`;
  return `${from} ${clock(start)} – ${dayLabel(end, nowMs)} ${clock(end)}`;
}

/** What the list's chip says of a created-time filter: "Created Today 14:00–15:00", "Created after Today 14:00". */
export function createdWindowLabel(after: number | undefined, before: number | undefined, nowMs: number): string {
  if (after !== undefined && before !== undefined) return `Created ${spanLabel(after, before, nowMs)}`;
  if (after !== undefined) return `Created after ${dayLabel(after, nowMs)} ${clock(after)}`;
  if (before !== undefined) return `Created before ${dayLabel(before, nowMs)} ${clock(before)}`;
  return '';
}

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
