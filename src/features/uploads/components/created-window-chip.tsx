import { XIcon } from '#src/components/ui/icons.tsx';
import { useNow } from '#src/hooks/use-now.ts';
import { createdWindowLabel } from '#src/features/uploads/utils/activity-wording.ts';

interface CreatedWindowChipProps {
  after: number | undefined;
  before: number | undefined;
  onRemove: () => void;
}

/** The created-time filter (a chart bar's window) as a chip that says what it keeps, and removes it. */
export function CreatedWindowChip({ after, before, onRemove }: CreatedWindowChipProps) {
  const label = createdWindowLabel(after, before, useNow());
  return (
    <span className="inline-flex h-8 max-w-full min-w-0 items-center gap-0.5 rounded-md border border-sky-300 bg-sky-50 pr-0.5 pl-2.5 text-[13px] text-sky-900 shadow-xs">
      <span className="truncate">{label}</span>
      <button
        type="button"
        aria-label={`Remove filter: ${label}`}
        onClick={onRemove}
        className="rounded p-1 text-sky-800 hover:bg-sky-100 hover:text-sky-950 focus-visible:outline-2 focus-visible:outline-sky-600"
      >
        <XIcon className="size-3.5" />
      </button>
    </span>
  );
}
