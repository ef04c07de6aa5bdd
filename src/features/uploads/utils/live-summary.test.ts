import { describe, expect, it } from 'vitest';
import type { UploadStatus } from '#contract/constants.ts';
import { makeRecord } from '#src/testing/fixtures.ts';
import { collectChanges, describeChanges, hasChanges, noChanges } from './live-summary.ts';

const OPENED = 1_000_000;
const record = (id: string, status: UploadStatus, createdAt = OPENED - 600) => makeRecord({ id, filename: id, status, created_at: createdAt });

describe('the live summary of a list', () => {
  it('counts status changes of rows already seen and new uploads, not rows from further down', () => {
    const seen = new Map<string, UploadStatus>([
      ['upload_a', 'pending'],
      ['upload_b', 'pending'],
      ['upload_c', 'pending'],
    ]);
    const changes = noChanges();
    collectChanges(
      [record('upload_a', 'cancelled'), record('upload_b', 'completed'), record('upload_c', 'cancelled'), record('upload_new', 'pending', OPENED + 5), record('upload_old', 'pending')],
      { seen, since: OPENED, mine: () => false },
      changes,
    );
    expect(describeChanges(changes)).toBe('Live update: 2 uploads changed to cancelled, 1 to completed; 1 new upload.');
    // What was collected is now the baseline: the same rows again are no news.
    const again = noChanges();
    collectChanges([record('upload_a', 'cancelled'), record('upload_new', 'pending', OPENED + 5)], { seen, since: OPENED, mine: () => false }, again);
    expect(hasChanges(again)).toBe(false);
  });

  it('leaves out the operator’s own cancels', () => {
    const seen = new Map<string, UploadStatus>([['upload_a', 'pending']]);
    const changes = noChanges();
    collectChanges([record('upload_a', 'cancelled')], { seen, since: OPENED, mine: (id) => id === 'upload_a' }, changes);
    expect(hasChanges(changes)).toBe(false);
    expect(seen.get('upload_a')).toBe('cancelled');
  });

  it('speaks in the singular and the plural', () => {
    expect(describeChanges({ statuses: new Map([['expired', 1]]), added: 0 })).toBe('Live update: 1 upload changed to expired.');
    expect(describeChanges({ statuses: new Map(), added: 3 })).toBe('Live update: 3 new uploads.');
  });
});
