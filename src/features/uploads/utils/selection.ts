// Which rows can be picked for a bulk cancel, and how clicks change the picked set. The
// selection is a set of ids, so it outlives refetches, live events and re-sorting.
import type { BulkCancelPreview, BulkCancelRequest, UploadFilter, UploadRecord } from '#contract/dashboard-api.ts';
import { cancelUnavailableReason } from './cancel-availability.ts';

/** Why a row's checkbox does nothing; null when it can be selected. `record` as shown (cancels applied). */
export function selectUnavailableReason(record: UploadRecord, cancellingIds: ReadonlySet<string>): string | null {
  if (cancellingIds.has(record.upload.id)) return 'Being cancelled';
  // The same reasons the row's Cancel button gives.
  return cancelUnavailableReason(record.status);
}

export function isSelectable(record: UploadRecord, cancellingIds: ReadonlySet<string>): boolean {
  return selectUnavailableReason(record, cancellingIds) === null;
}

/**
 * A plain click toggles one row; a shift-click sets every selectable row between the last
 * clicked one (the anchor) and this one to this row's new state, as file managers do.
 * Unselecting is always allowed, so a row that finished after it was picked can be dropped.
 */
export function toggleSelection(
  selected: ReadonlySet<string>,
  records: readonly UploadRecord[],
  cancellingIds: ReadonlySet<string>,
  { id, checked, anchor, shift }: { id: string; checked: boolean; anchor: string | null; shift: boolean },
): Set<string> {
  const next = new Set(selected);
  const to = records.findIndex((record) => record.upload.id === id);
  const from = shift && anchor !== null ? records.findIndex((record) => record.upload.id === anchor) : -1;
  const span = from === -1 || to === -1 ? [to] : range(from, to);
  for (const index of span) {
    const record = records[index];
    if (!record) continue;
    if (!checked) next.delete(record.upload.id);
    else if (isSelectable(record, cancellingIds)) next.add(record.upload.id);
  }
  return next;
}

function range(a: number, b: number): number[] {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

export type HeaderCheckState = 'none' | 'some' | 'all';

/** The header checkbox: all loaded selectable rows picked, some, or none. */
export function headerCheckState(selected: ReadonlySet<string>, records: readonly UploadRecord[], cancellingIds: ReadonlySet<string>): HeaderCheckState {
  let selectable = 0;
  let picked = 0;
  for (const record of records) {
    if (!isSelectable(record, cancellingIds)) continue;
    selectable += 1;
    if (selected.has(record.upload.id)) picked += 1;
  }
  if (picked === 0) return selected.size > 0 ? 'some' : 'none';
  return picked === selectable ? 'all' : 'some';
}

/** The header checkbox's click: select every loaded selectable row, or clear. */
export function toggleAll(selected: ReadonlySet<string>, records: readonly UploadRecord[], cancellingIds: ReadonlySet<string>, checked: boolean): Set<string> {
  if (!checked) return new Set();
  const next = new Set(selected);
  for (const record of records) if (isSelectable(record, cancellingIds)) next.add(record.upload.id);
  return next;
}

/** What the bulk-cancel confirmation asks about. */
export interface BulkCancelTarget {
  /** The selected ids, or the filter for "all matching". */
  request: BulkCancelRequest;
  scope: 'selected' | 'matching';
  /** Loaded rows the job will cancel: they read "cancelled" from the moment it starts. */
  affectedIds: string[];
  /** The same numbers worked out from the loaded rows, in case the server can't be asked. */
  fallback: BulkCancelPreview;
}

/**
 * The confirmation for the current selection. `loaded` as shown (cancels applied: a row being
 * cancelled already reads "cancelled", so it is neither affected nor counted as cancellable).
 * `matching` is the list's filter and, once the server has counted them, its matching uploads.
 */
export function bulkTargetFor(
  selection: { ids: ReadonlySet<string>; allMatching: boolean },
  loaded: readonly UploadRecord[],
  matching: { filter: UploadFilter; preview: BulkCancelPreview | undefined },
): BulkCancelTarget {
  const cancellable = (record: UploadRecord) => cancelUnavailableReason(record.status) === null;
  if (selection.allMatching) {
    const affectedIds = loaded.filter(cancellable).map((record) => record.upload.id);
    return {
      request: { filter: matching.filter },
      scope: 'matching',
      affectedIds,
      // The filter may match uploads that are not loaded: only the server knows about those.
      fallback: matching.preview ? { ...matching.preview, unknown: 0 } : { cancellable: affectedIds.length, skipped: 0, unknown: 0 },
    };
  }
  const ids = [...selection.ids];
  const byId = new Map(loaded.map((record) => [record.upload.id, record]));
  const affectedIds = ids.filter((id) => {
    const record = byId.get(id);
    return record !== undefined && cancellable(record);
  });
  const known = ids.filter((id) => byId.has(id)).length;
  return {
    request: { ids },
    scope: 'selected',
    affectedIds,
    fallback: { cancellable: affectedIds.length, skipped: known - affectedIds.length, unknown: ids.length - known },
  };
}
