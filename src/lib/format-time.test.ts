import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { formatCountdown, formatExact, formatRelative } from './format-time.ts';

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
