import { useCallback, useState } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';

export interface ActiveRow {
  /** Its place among the loaded rows; null when there is none (or it is no longer loaded). */
  index: number | null;
  record: UploadRecord | undefined;
  /** It was reached by keyboard: draw the focus ring. */
  byKeyboard: boolean;
  /** j/k: moves by `delta` rows, starting at the first; false when there are no rows. */
  move: (delta: number) => boolean;
  /** A click on a row makes it the active one (so j continues from there), without the ring. */
  point: (id: string) => void;
}

/** The row the list's keyboard shortcuts act on, followed by id so it survives refetches and re-sorting. */
export function useActiveRow(records: readonly UploadRecord[]): ActiveRow {
  const [active, setActive] = useState<{ id: string; byKeyboard: boolean } | null>(null);
  const found = active === null ? -1 : records.findIndex((record) => record.upload.id === active.id);
  const index = found === -1 ? null : found;
  const point = useCallback((id: string) => setActive({ id, byKeyboard: false }), []);
  return {
    index,
    record: index === null ? undefined : records[index],
    byKeyboard: active?.byKeyboard === true,
    move: (delta) => {
      if (records.length === 0) return false;
      const next = index === null ? 0 : Math.min(records.length - 1, Math.max(0, index + delta));
      setActive({ id: records[next]!.upload.id, byKeyboard: true });
      return true;
    },
    point,
  };
}
