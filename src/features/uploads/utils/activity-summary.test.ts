import { describe, expect, it } from 'vitest';
import { activitySummary, barLabel, breakdown } from './activity-summary.ts';
import { createdWindowLabel, spanLabel } from './activity-wording.ts';

// Local time: build the moments from local dates so the test reads the same in any time zone.
const at = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min).getTime() / 1000;
const NOW_MS = new Date(2026, 11, 2, 15, 20).getTime();
const counts = (partial: Partial<Record<'pending' | 'completed' | 'cancelled' | 'expired' | 'stuck', number>>) => ({
  pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0, ...partial,
});

describe('activity wording', () => {
  it('names a span by its day and clock times, the end exclusive', () => {
    expect(spanLabel(at(2026, 12, 2, 14), at(2026, 12, 2, 15), NOW_MS)).toBe('Today 14:00–15:00');
    expect(spanLabel(at(2026, 12, 1, 18), at(2026, 12, 2, 0), NOW_MS)).toBe('Yesterday 18:00–00:00');
    expect(spanLabel(at(2026, 11, 29, 6), at(2026, 11, 29, 12), NOW_MS)).toBe('Sun, Nov 29 06:00–12:00');
    expect(spanLabel(at(2026, 12, 1, 22), at(2026, 12, 2, 4), NOW_MS)).toBe('Yesterday 22:00 – Today 04:00');
  });

  it('says what a created-time filter keeps', () => {
    expect(createdWindowLabel(at(2026, 12, 2, 15, 5), at(2026, 12, 2, 15, 10), NOW_MS)).toBe('Created Today 15:05–15:10');
    expect(createdWindowLabel(at(2026, 12, 2, 15, 5), undefined, NOW_MS)).toBe('Created after Today 15:05');
    expect(createdWindowLabel(undefined, at(2026, 12, 1, 9), NOW_MS)).toBe('Created before Yesterday 09:00');
  });

  it('breaks a bar down in stacking order, stuck within pending, and names an empty one', () => {
    expect(breakdown(counts({ pending: 7, stuck: 2, completed: 20, expired: 1 }))).toBe('20 completed, 1 expired, 7 pending (2 stuck)');
    expect(barLabel(at(2026, 12, 2, 14), at(2026, 12, 2, 15), counts({ cancelled: 1 }), NOW_MS)).toBe('Today 14:00–15:00: 1 upload, 1 cancelled');
    expect(barLabel(at(2026, 12, 2, 14), at(2026, 12, 2, 15), counts({}), NOW_MS)).toBe('Today 14:00–15:00: no uploads');
  });

  it('sums the chart up in words, with its busiest bucket', () => {
    const buckets = [
      { start: at(2026, 12, 2, 13), end: at(2026, 12, 2, 14), counts: counts({ completed: 2 }) },
      { start: at(2026, 12, 2, 14), end: at(2026, 12, 2, 15), counts: counts({ completed: 1, pending: 3, stuck: 1 }) },
    ];
    expect(activitySummary('24h', counts({ completed: 3, pending: 3, stuck: 1 }), buckets, NOW_MS)).toBe(
      '6 uploads created in the last 24 hours: 3 completed, 3 pending (1 stuck). Busiest: Today 14:00–15:00, with 4 uploads.',
    );
    expect(activitySummary('1h', counts({}), buckets, NOW_MS)).toBe('No uploads were created in the last hour.');
  });
});
