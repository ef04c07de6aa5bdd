import { describe, expect, it } from 'vitest';
import { makeRecord } from '#src/testing/fixtures.ts';
import { headerCheckState, selectUnavailableReason, toggleAll, toggleSelection } from './selection.ts';

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
