import { format, formatDistanceStrict, lightFormat, type FormatDistanceToken, type Locale } from 'date-fns';
import { enUS } from 'date-fns/locale';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatClock, formatCountdown, formatExact, formatRelative } from './format-time.ts';

const now = Date.UTC(2025, 10, 21, 12, 0, 0);

describe('formatRelative', () => {
  it.each([
    [now - 2_000, 'just now'],
    [now - 42 * 60_000, '42 min ago'],
    [now - 3 * 3_600_000 - 59 * 60_000, '3 h ago'],
    [now - 30_000, '30 s ago'],
    [now + 17 * 60_000, 'in 17 min'],
    [now - 2 * 86_400_000, '2 d ago'],
  ])('%d reads %s', (then, text) => {
    expect(formatRelative(then, now)).toBe(text);
  });
});

// What formatRelative stood for when it was built on date-fns: formatDistanceStrict (floor) with
// its units spelt short. The hand-written one must read the same in every zone.
const shortUnits: Partial<Record<FormatDistanceToken, string>> = { xSeconds: 's', xMinutes: 'min', xHours: 'h', xDays: 'd', xMonths: 'mo', xYears: 'y' };
const shortEnglish: Locale = {
  ...enUS,
  formatDistance: (token, count, options) => {
    const distance = `${count} ${shortUnits[token]}`;
    return options?.comparison !== undefined && options.comparison > 0 ? `in ${distance}` : `${distance} ago`;
  },
};
const viaDateFns = (thenMs: number, nowMs: number) =>
  Math.abs(nowMs - thenMs) < 5_000 ? 'just now' : formatDistanceStrict(thenMs, nowMs, { addSuffix: true, locale: shortEnglish, roundingMethod: 'floor' });

describe.each(['UTC', 'Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe'])('formatRelative in %s', (zone) => {
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  // Around the spring and autumn changes, and steps from seconds to years either way.
  const nows = [now, Date.UTC(2025, 2, 30, 12), Date.UTC(2025, 9, 26, 12), Date.UTC(2025, 3, 6, 12)];
  const steps = [0, 4_999, 5_000, 59_999, 60_000, 3_599_999, 3_600_000, 86_399_999, 86_400_000, 86_400_000 * 1.5, 86_400_000 * 29.99, 86_400_000 * 30, 86_400_000 * 359.9, 86_400_000 * 364.99, 86_400_000 * 365, 86_400_000 * 800];
  it('reads as date-fns formatDistanceStrict (floor) with short units', () => {
    // Node reads TZ again whenever it is set.
    vi.stubEnv('TZ', zone);
    for (const nowMs of nows) {
      for (const step of steps) {
        for (const wobble of [-3_600_000, -1, 0, 1, 3_600_000]) {
          for (const then of [nowMs - step - wobble, nowMs + step + wobble]) {
            expect(formatRelative(then, nowMs), `${new Date(then).toISOString()} against ${new Date(nowMs).toISOString()}`).toBe(viaDateFns(then, nowMs));
          }
        }
      }
    }
  });
});

describe('formatCountdown', () => {
  it.each([
    [17 * 60 + 32, '17:32'],
    [59.9, '00:59'],
    [3723, '1:02:03'],
    [-5, '00:00'],
  ])('%d s reads %s', (seconds, text) => {
    expect(formatCountdown(seconds)).toBe(text);
  });
});

describe('formatExact', () => {
  it.each([0, 1_763_756_343, 1_751_328_000, 1_700_000_000])('%d reads as date-fns format writes it', (unixSeconds) => {
    expect(formatExact(unixSeconds)).toBe(format(unixSeconds * 1000, 'yyyy-MM-dd HH:mm:ss O'));
  });
});

describe.each(['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu'])('formatClock in %s', (zone) => {
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  it('reads the zone’s own clock, not UTC’s', () => {
    vi.stubEnv('TZ', zone);
    const midnightUtc = Date.UTC(2025, 2, 29, 0, 0, 0) / 1000; // before Berlin's summer time, after St John's
    const expected: Record<string, string> = { UTC: '00:00', 'Europe/Berlin': '01:00', 'America/St_Johns': '21:30', 'Asia/Kathmandu': '05:45' };
    expect(formatClock(midnightUtc)).toBe(expected[zone]);
  });
  it('reads as date-fns lightFormat HH:mm writes it, midnight and noon included', () => {
    vi.stubEnv('TZ', zone);
    // Every quarter of an hour across two days, and a few odd seconds.
    const start = Date.UTC(2025, 2, 29, 0, 0, 0) / 1000;
    for (let step = 0; step < 2 * 24 * 4; step++) {
      for (const seconds of [0, 59]) {
        const unixSeconds = start + step * 900 + seconds;
        expect(formatClock(unixSeconds)).toBe(lightFormat(unixSeconds * 1000, 'HH:mm'));
      }
    }
  });
});
