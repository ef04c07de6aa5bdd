import { useCallback, useMemo, useState } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { toggleAll, toggleSelection } from '#src/features/uploads/utils/selection.ts';

interface SelectionState {
  /** The view the selection belongs to: another filter starts afresh. */
  scope: string;
  ids: ReadonlySet<string>;
  /** The row last clicked, where a shift-click's range starts. */
  anchor: string | null;
  /** "Select all M matching this filter": the job will take the filter, not the ids. */
  allMatching: boolean;
}

const empty = (scope: string): SelectionState => ({ scope, ids: new Set(), anchor: null, allMatching: false });

export interface UploadSelection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
  toggle: (id: string, checked: boolean, shift: boolean) => void;
  toggleAll: (checked: boolean) => void;
  /** Adds ids (failed rows of a finished bulk cancel); leaves "all matching" mode. */
  add: (ids: Iterable<string>) => void;
  selectAllMatching: () => void;
  clear: () => void;
}

export function useUploadSelection(scope: string, records: readonly UploadRecord[], cancellingIds: ReadonlySet<string>): UploadSelection {
  const [state, setState] = useState<SelectionState>(() => empty(scope));
  const current = state.scope === scope ? state : empty(scope);

  const change = useCallback(
    (next: (base: SelectionState) => SelectionState) => setState((previous) => next(previous.scope === scope ? previous : empty(scope))),
    [scope],
  );

  // One object per change, so the table's context (which holds it) changes only when it does.
  return useMemo(
    () => ({
      ids: current.ids,
      allMatching: current.allMatching,
      toggle: (id: string, checked: boolean, shift: boolean) =>
        change((base) => ({
          ...base,
          allMatching: false,
          anchor: id,
          ids: toggleSelection(base.ids, records, cancellingIds, { id, checked, anchor: base.anchor, shift }),
        })),
      toggleAll: (checked: boolean) =>
        change((base) => ({ ...base, allMatching: false, anchor: null, ids: toggleAll(base.ids, records, cancellingIds, checked) })),
      add: (ids: Iterable<string>) => change((base) => ({ ...base, allMatching: false, ids: new Set([...base.ids, ...ids]) })),
      selectAllMatching: () => change((base) => ({ ...base, allMatching: true })),
      clear: () => change(() => empty(scope)),
    }),
    [current.ids, current.allMatching, change, records, cancellingIds, scope],
  );
}
