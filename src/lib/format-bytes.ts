// Decimal units (1 GB = 10^9 bytes), the way OpenAI states its limits ("8 GB", "64 MB").
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** One decimal below 100, none above: "2.1 GB", "12.4 MB", "512 MB". */
function round(value: number, unit: number): number {
  return unit === 0 || value >= 99.95 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** "512 B", "12.4 MB", "2.1 GB": short enough for a dense column. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let unit = 0;
  let value = bytes;
  // Round before settling on a unit, so 999,960 B reads "1 MB" and not "1000 KB".
  while (round(value, unit) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${number.format(round(value, unit))} ${UNITS[unit]}`;
}

const exact = new Intl.NumberFormat('en-US');

/** "2,147,483,648 bytes": for titles and the detail page, where precision matters. */
export function formatExactBytes(bytes: number): string {
  return `${exact.format(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
}
