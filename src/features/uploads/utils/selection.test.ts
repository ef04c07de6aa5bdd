import { describe, expect, it } from 'vitest';
import { makeRecord } from '#src/testing/fixtures.ts';
import { bulkTargetFor, headerCheckState, selectUnavailableReason, toggleAll, toggleSelection } from './selection.ts';

const records = [
  makeRecord({ id: 'upload_a', filename: 'a' }),
  makeRecord({ id: 'upload_b', filename: 'b', status: 'completed' }),
  makeRecord({ id: 'upload_c', filename: 'c' }),
  makeRecord({ id: 'upload_d', filename: 'd' }),
  makeRecord({ id: 'upload_e', filename: 'e' }),
];
const none: ReadonlySet<string> = new Set();

describe('selecting uploads for a bulk cancel', () => {
  it('only lets pending rows that are not already being cancelled be selected', () => {
    expect(selectUnavailableReason(records[0]!, none)).toBeNull();
    expect(selectUnavailableReason(records[1]!, none)).toBe('Already completed — nothing to cancel');
    expect(selectUnavailableReason(records[0]!, new Set(['upload_a']))).toBe('Being cancelled');
    const after = toggleSelection(none, records, none, { id: 'upload_b', checked: true, anchor: null, shift: false });
    expect([...after]).toEqual([]);
  });

  it('shift-click selects the selectable rows between the anchor and the row, in list order', () => {
    const first = toggleSelection(none, records, none, { id: 'upload_a', checked: true, anchor: null, shift: false });
    const range = toggleSelection(first, records, new Set(['upload_d']), { id: 'upload_e', checked: true, anchor: 'upload_a', shift: true });
    // b is completed and d is mid-cancel: both are skipped.
    expect([...range].sort()).toEqual(['upload_a', 'upload_c', 'upload_e']);
  });

  it('shift-click upwards, and shift-unticking a range', () => {
    const all = new Set(['upload_a', 'upload_c', 'upload_d', 'upload_e']);
    const after = toggleSelection(all, records, none, { id: 'upload_c', checked: false, anchor: 'upload_e', shift: true });
    expect([...after]).toEqual(['upload_a']);
  });

  it('always allows unticking a row that finished after it was picked', () => {
    const finished = [{ ...records[0]!, status: 'cancelled' as const }];
    expect([...toggleSelection(new Set(['upload_a']), finished, none, { id: 'upload_a', checked: false, anchor: null, shift: false })]).toEqual([]);
  });

  it('the header checkbox selects every loaded selectable row, and shows some / all', () => {
    const all = toggleAll(none, records, none, true);
    expect([...all].sort()).toEqual(['upload_a', 'upload_c', 'upload_d', 'upload_e']);
    expect(headerCheckState(all, records, none)).toBe('all');
    expect(headerCheckState(new Set(['upload_c']), records, none)).toBe('some');
    expect(headerCheckState(none, records, none)).toBe('none');
    expect([...toggleAll(all, records, none, false)]).toEqual([]);
  });
});

describe('what a bulk cancel asks to confirm', () => {
  // As shown: a is mid-cancel (it reads cancelled), b is completed, c, d and e are pending.
  const shown = [{ ...records[0]!, status: 'cancelled' as const }, ...records.slice(1)];
  const filter = { status: 'pending' as const, q: 'train' };

  it('for the selected ids: the loaded pending ones are affected, the rest counted as skipped or unknown', () => {
    const target = bulkTargetFor({ ids: new Set(['upload_a', 'upload_b', 'upload_c', 'upload_elsewhere']), allMatching: false }, shown, {
      filter,
      preview: { cancellable: 99, skipped: 99, unknown: 99 },
    });
    expect(target).toEqual({
      request: { ids: ['upload_a', 'upload_b', 'upload_c', 'upload_elsewhere'] },
      scope: 'selected',
      affectedIds: ['upload_c'],
      // The matching count is about the filter, not the selection: it is not used here.
      fallback: { cancellable: 1, skipped: 2, unknown: 1 },
    });
  });

  it('for all matching: the filter goes to the server, and the counts come from it once known', () => {
    const selection = { ids: new Set(['upload_c']), allMatching: true };
    const counted = bulkTargetFor(selection, shown, { filter, preview: { cancellable: 1200, skipped: 30, unknown: 4 } });
    expect(counted).toEqual({
      request: { filter },
      scope: 'matching',
      affectedIds: ['upload_c', 'upload_d', 'upload_e'],
      // Unknown ids only exist for explicit ids.
      fallback: { cancellable: 1200, skipped: 30, unknown: 0 },
    });
  });

  it('for all matching, before the server has counted: the loaded rows are all there is to go on', () => {
    const target = bulkTargetFor({ ids: new Set(), allMatching: true }, shown, { filter, preview: undefined });
    expect(target.fallback).toEqual({ cancellable: 3, skipped: 0, unknown: 0 });
    expect(target.affectedIds).toEqual(['upload_c', 'upload_d', 'upload_e']);
  });

  it('nothing loaded: every selected id is unknown', () => {
    const target = bulkTargetFor({ ids: new Set(['upload_a']), allMatching: false }, [], { filter: {}, preview: undefined });
    expect(target.affectedIds).toEqual([]);
    expect(target.fallback).toEqual({ cancellable: 0, skipped: 0, unknown: 1 });
  });
});
