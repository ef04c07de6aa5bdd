import { createContext, useContext } from 'react';
import type { BulkCancelItem, SortField, UploadRecord } from '#contract/dashboard-api.ts';
import type { HeaderCheckState } from '#src/features/uploads/utils/selection.ts';

/** What the table's cells need beyond the record: selection, sorting and the row actions. */
export interface UploadsTableState {
  readOnly: boolean;
  /** Ids being cancelled (undo window, on its way, bulk job). */
  cancellingIds: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  headerCheck: HeaderCheckState;
  /** Loaded rows that could be selected (pending, not being cancelled). */
  selectableCount: number;
  onToggle: (id: string, checked: boolean, shift: boolean) => void;
  onToggleAll: (checked: boolean) => void;
  onCancel: (record: UploadRecord) => void;
  /** Why a bulk cancel did not cancel a row, while its result is on screen. */
  failures: ReadonlyMap<string, BulkCancelItem>;
  sort: SortField;
  order: 'asc' | 'desc';
  onSort: (field: SortField) => void;
}

const noop = () => undefined;

export const UploadsTableContext = createContext<UploadsTableState>({
  readOnly: false,
  cancellingIds: new Set(),
  selected: new Set(),
  headerCheck: 'none',
  selectableCount: 0,
  onToggle: noop,
  onToggleAll: noop,
  onCancel: noop,
  failures: new Map(),
  sort: 'created_at',
  order: 'desc',
  onSort: noop,
});

export function useUploadsTableState(): UploadsTableState {
  return useContext(UploadsTableContext);
}
