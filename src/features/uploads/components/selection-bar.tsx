import type { ReactNode } from 'react';
import { Button } from '#src/components/ui/button.tsx';
import { SpinnerIcon, XIcon } from '#src/components/ui/icons.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';

const number = new Intl.NumberFormat('en-US');

interface SelectionBarProps {
  /** Uploads the next bulk cancel would take: the selected ids, or all matching. */
  count: number;
  allMatching: boolean;
  /** Pending uploads matching the filter, once known; offered when the selection covers fewer. */
  matching: number | undefined;
  onSelectAllMatching: () => void;
  onCancel: () => void;
  onClear: () => void;
  /** Why Cancel cannot start now (a bulk cancel is still running); null when it can. */
  cancelBlocked: string | null;
  /** "Showing 100 of 1,234" and Load more, kept on the right. */
  trailing?: ReactNode;
}

/**
 * Takes the table's footer while rows are selected, and sticks to the bottom of the window when
 * the page scrolls: always in reach, never over a row.
 */
export function SelectionBar({ count, allMatching, matching, onSelectAllMatching, onCancel, onClear, cancelBlocked, trailing }: SelectionBarProps) {
  const offerAll = !allMatching && matching !== undefined && matching > count;
  return (
    <div
      role="region"
      aria-label="Selected uploads"
      className="sticky bottom-0 z-20 flex flex-wrap items-center gap-x-3 gap-y-2 rounded-b-lg border-t border-sky-200 bg-sky-50 px-4 py-2 text-[13px] text-sky-950"
    >
      <p className="font-semibold tabular-nums">{allMatching ? `All ${number.format(count)} matching selected` : `${number.format(count)} selected`}</p>
      {offerAll && (
        <button
          type="button"
          onClick={onSelectAllMatching}
          className="rounded-sm font-medium text-sky-700 underline-offset-2 hover:text-sky-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          Select all {number.format(matching)} matching this filter
        </button>
      )}
      {matching === undefined && !allMatching && <SpinnerIcon aria-hidden="true" className="size-3 text-sky-400" />}
      <span aria-hidden="true" className="text-sky-300">
        ·
      </span>
      <Tooltip content={cancelBlocked} side="top" align="start">
        {(describedBy) => (
          <Button
            variant="dangerSolid"
            size="sm"
            aria-disabled={cancelBlocked === null ? undefined : 'true'}
            aria-describedby={describedBy}
            onClick={cancelBlocked === null ? onCancel : undefined}
          >
            Cancel {number.format(count)}
          </Button>
        )}
      </Tooltip>
      <Button variant="secondary" size="sm" aria-label="Clear selection" onClick={onClear}>
        <XIcon className="size-3.5" />
        Clear
      </Button>
      {trailing && <div className="ml-auto flex items-center gap-3 text-xs text-slate-600">{trailing}</div>}
    </div>
  );
}
