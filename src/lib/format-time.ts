// Times on the wire are unix seconds; these helpers turn them into what an operator reads.
import { formatDistanceStrict, lightFormat, type FormatDistanceToken, type Locale } from 'date-fns';
import { enUS } from 'date-fns/locale';

const SHORT_UNITS: Record<FormatDistanceToken, string> = {
  lessThanXSeconds: '{{count}} s',
  xSeconds: '{{count}} s',
  halfAMinute: '30 s',
  lessThanXMinutes: '{{count}} min',
  xMinutes: '{{count}} min',
  aboutXHours: '{{count}} h',
  xHours: '{{count}} h',
  xDays: '{{count}} d',
  aboutXWeeks: '{{count}} wk',
  xWeeks: '{{count}} wk',
  aboutXMonths: '{{count}} mo',
  xMonths: '{{count}} mo',
  aboutXYears: '{{count}} y',
  xYears: '{{count}} y',
  overXYears: '{{count}} y',
  almostXYears: '{{count}} y',
};

// date-fns spells units out ("42 minutes"); a dense table reads better with "42 min".
const shortEnglish: Locale = {
  ...enUS,
  formatDistance: (token, count, options) => {
    const distance = SHORT_UNITS[token].replace('{{count}}', String(count));
    if (!options?.addSuffix) return distance;
    return options.comparison !== undefined && options.comparison > 0 ? `in ${distance}` : `${distance} ago`;
  },
};

export const toDate = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

/** "42 min ago", "in 3 h", "just now": `then` and `now` in milliseconds. */
export function formatRelative(thenMs: number, nowMs: number): string {
  if (Math.abs(nowMs - thenMs) < 5_000) return 'just now';
  return formatDistanceStrict(thenMs, nowMs, { addSuffix: true, locale: shortEnglish, roundingMethod: 'floor' });
}

/** "GMT+1", "GMT-3:30", "GMT+0": date-fns format's `O`, which lightFormat lacks. */
function gmtOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const hours = Math.trunc(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `GMT${offset < 0 ? '-' : '+'}${hours}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}`;
}

/**
 * "2025-11-21 20:19:03 GMT+1": the exact local date-time, for titles and the detail page.
 * lightFormat rather than format: format brings every token and locale formatter along
 * (about 2.5 kB gz of the first screen's JS) for the one token written out above.
 */
export function formatExact(unixSeconds: number): string {
  const date = toDate(unixSeconds);
  return `${lightFormat(date, 'yyyy-MM-dd HH:mm:ss')} ${gmtOffset(date)}`;
}

/** "17:32" or "1:02:03": a countdown that keeps its width while it ticks. */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}
