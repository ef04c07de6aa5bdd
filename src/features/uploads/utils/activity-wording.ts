// How the uploads-over-time chart and the list's created-time chip put times into words: a
// bucket's span ("Today 14:00–15:00") and the chip's label. Local time, 24-hour clock, as the rest
// of the dashboard writes it. (The chip is on the first screen; the chart's own wording, counts
// and summaries, is in activity-summary.ts, loaded with the chart.)
import { formatClock, toDate } from '#src/lib/format-time.ts';

const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'short', day: 'numeric', month: 'short' });

const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

/** "Today", "Yesterday" or "Tue, Dec 2": the day a moment falls on, seen from `nowMs`. */
export function dayLabel(unixSeconds: number, nowMs: number): string {
  const days = Math.round((startOfDay(new Date(nowMs)) - startOfDay(toDate(unixSeconds))) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return weekday.format(toDate(unixSeconds));
}

/** "Today 14:00–15:00", or across midnight "Yesterday 18:00 – Today 00:00". */
export function spanLabel(start: number, end: number, nowMs: number): string {
  const from = dayLabel(start, nowMs);
  // The end is exclusive: a span ending at midnight belongs to the day it started.
  const to = dayLabel(end - 1, nowMs);
  if (from === to) return `${from} ${formatClock(start)}–${formatClock(end)}`;
  return `${from} ${formatClock(start)} – ${dayLabel(end, nowMs)} ${formatClock(end)}`;
}

/** What the list's chip says of a created-time filter: "Created Today 14:00–15:00", "Created after Today 14:00". */
export function createdWindowLabel(after: number | undefined, before: number | undefined, nowMs: number): string {
  if (after !== undefined && before !== undefined) return `Created ${spanLabel(after, before, nowMs)}`;
  if (after !== undefined) return `Created after ${dayLabel(after, nowMs)} ${formatClock(after)}`;
  if (before !== undefined) return `Created before ${dayLabel(before, nowMs)} ${formatClock(before)}`;
  return '';
}
