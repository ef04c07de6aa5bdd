// Times on the wire are unix seconds; these helpers turn them into what an operator reads.
// Written out rather than taken from date-fns: its distance and format functions bring a locale
// (parsing included) into the first screen's JS for the few words a dense table needs, and even
// its lightFormat (for "14:05") is more code than these few lines. The tests check them all
// against date-fns itself.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** date-fns formatDistanceStrict's month and year, in minutes: 30 and 365 days. */
const MONTH_MINUTES = 30 * 24 * 60;
const YEAR_MINUTES = 365 * 24 * 60;

export const toDate = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

/**
 * "42 min ago", "in 3 h", "just now": `then` and `now` in milliseconds. Units and rounding as
 * date-fns formatDistanceStrict with roundingMethod 'floor' (days counted across a daylight-saving
 * change as the clock reads them), spelt short: s, min, h, d, mo, y.
 */
export function formatRelative(thenMs: number, nowMs: number): string {
  if (Math.abs(nowMs - thenMs) < 5_000) return 'just now';
  const [earlier, later] = thenMs < nowMs ? [thenMs, nowMs] : [nowMs, thenMs];
  const ms = later - earlier;
  // The zone's offset may differ between the two moments (daylight saving): as date-fns does, days
  // and longer are counted on the wall clock.
  const offsetShiftMs = (new Date(later).getTimezoneOffset() - new Date(earlier).getTimezoneOffset()) * MINUTE_MS;
  const wallMinutes = (ms - offsetShiftMs) / MINUTE_MS;
  let distance: string;
  if (ms < MINUTE_MS) distance = `${Math.floor(ms / 1000)} s`;
  else if (ms < HOUR_MS) distance = `${Math.floor(ms / MINUTE_MS)} min`;
  else if (ms < DAY_MS) distance = `${Math.floor(ms / HOUR_MS)} h`;
  else if (wallMinutes < MONTH_MINUTES) distance = `${Math.floor(wallMinutes / (24 * 60))} d`;
  else if (wallMinutes < YEAR_MINUTES) {
    const months = Math.floor(wallMinutes / MONTH_MINUTES);
    distance = months === 12 ? '1 y' : `${months} mo`;
  }
  else distance = `${Math.floor(wallMinutes / YEAR_MINUTES)} y`;
  return thenMs > nowMs ? `in ${distance}` : `${distance} ago`;
}

/** "GMT+1", "GMT-3:30", "GMT+0": date-fns format's `O`. */
function gmtOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const hours = Math.trunc(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `GMT${offset < 0 ? '-' : '+'}${hours}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "14:05": a moment's local clock time on the 24-hour clock (date-fns `HH:mm`). */
export function formatClock(unixSeconds: number): string {
  const date = toDate(unixSeconds);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "2025-11-21 20:19:03 GMT+1": the exact local date-time, for titles and the detail page. */
export function formatExact(unixSeconds: number): string {
  const date = toDate(unixSeconds);
  const day = `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${formatClock(unixSeconds)}:${pad(date.getSeconds())} ${gmtOffset(date)}`;
}

/** "17:32" or "1:02:03": a countdown that keeps its width while it ticks. */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}
