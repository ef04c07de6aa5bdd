import { describe, expect, it } from 'vitest';
import type { BulkCancelJob } from '#contract/dashboard-api.ts';
import { confirmDetail, confirmTitle, failureNote, progressLine, resultLine } from './bulk-wording.ts';

const job = (progress: Partial<BulkCancelJob['progress']>, total = 37): BulkCancelJob => ({
  id: 'bulk_0123456789abcdef01234567',
  object: 'bulk_cancel',
  state: 'done',
  created_by: 'ops',
  created_at: 1,
  finished_at: 2,
  reason: null,
  total,
  progress: { pending: 0, cancelled: 0, already_finished: 0, not_found: 0, failed: 0, unknown: 0, skipped: 0, ...progress },
  concurrency: 8,
});

describe('bulk cancel wording', () => {
  it('asks with the exact numbers', () => {
    const preview = { cancellable: 37, skipped: 3, unknown: 0 };
    expect(confirmTitle(preview)).toBe('Cancel 37 pending uploads?');
    expect(confirmDetail(preview, 'selected')).toEqual(['3 selected uploads are already finished and will be skipped.']);
    expect(confirmTitle({ cancellable: 1, skipped: 1, unknown: 0 })).toBe('Cancel 1 pending upload?');
    expect(confirmDetail({ cancellable: 1, skipped: 1, unknown: 0 }, 'matching')).toEqual([
      '1 matching upload is already finished and will be skipped.',
    ]);
    expect(confirmTitle({ cancellable: 1200, skipped: 0, unknown: 0 })).toBe('Cancel 1,200 pending uploads?');
    expect(confirmDetail({ cancellable: 5, skipped: 0, unknown: 0 }, 'selected')).toEqual([]);
    expect(confirmTitle({ cancellable: 0, skipped: 4, unknown: 0 })).toBe('Nothing to cancel');
  });

  it('follows progress and sums up the outcome, grouping outcomes the way an operator reads them', () => {
    expect(progressLine({ ...job({ pending: 380, cancelled: 120 }, 500), state: 'running' })).toBe('Cancelling… 120 of 500');
    expect(resultLine(job({ cancelled: 34, already_finished: 1, skipped: 1, failed: 1 }))).toBe('34 cancelled · 2 already finished · 1 failed');
    expect(resultLine(job({ cancelled: 4, not_found: 2, unknown: 1 }))).toBe('4 cancelled · 2 not found · 1 failed');
    expect(resultLine(job({ cancelled: 6 }))).toBe('6 cancelled');
    expect(resultLine(job({ skipped: 2 }))).toBe('0 cancelled · 2 already finished');
  });

  it('gives each row that was not cancelled its reason', () => {
    expect(failureNote({ upload_id: 'upload_a', outcome: 'not_found', message: 'No such Upload object: upload_a', upstream_status: 404 })).toBe(
      'Not cancelled (404): No such Upload object: upload_a',
    );
    expect(failureNote({ upload_id: 'upload_a', outcome: 'failed', message: null, upstream_status: 500 })).toBe('Not cancelled (500)');
    expect(failureNote({ upload_id: 'upload_a', outcome: 'unknown', message: 'Timed out', upstream_status: null })).toBe('Outcome unknown: Timed out');
  });
});
