import type { UploadRecord } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { READ_ONLY_REASON, useOperatorAccess } from '#src/lib/operator-access.tsx';
import { cancelUnavailableReason } from '#src/features/uploads/utils/cancel-availability.ts';

interface CancelUploadButtonProps {
  /** As shown: a cancel in progress already applied. */
  record: UploadRecord;
  /** A cancel of this upload is waiting for its undo window, on its way, or part of a bulk job. */
  cancelling: boolean;
  /** What a click does: the list holds the cancel back for an undo window, the detail page sends it. */
  onCancel: () => void;
  size?: 'sm' | 'md';
  tooltipAlign?: 'start' | 'end';
  /** Below, where a tooltip above would be cut off (the first row under a table's sticky header). */
  tooltipSide?: 'top' | 'bottom';
  className?: string;
}

export function CancelUploadButton({ record, cancelling, onCancel, size = 'sm', tooltipAlign = 'end', tooltipSide = 'top', className }: CancelUploadButtonProps) {
  const { readOnly } = useOperatorAccess();
  const reason = readOnly ? READ_ONLY_REASON : cancelling ? 'Cancelling…' : cancelUnavailableReason(record.status);

  // Never `disabled`: a disabled button drops out of the tab order, and keyboard users could
  // not reach the reason it does nothing.
  return (
    <Tooltip content={reason} align={tooltipAlign} side={tooltipSide}>
      {(describedBy) => (
        <Button
          variant="danger"
          size={size}
          className={className}
          aria-label={`Cancel ${record.upload.filename}`}
          aria-disabled={reason === null ? undefined : 'true'}
          aria-describedby={describedBy}
          onClick={reason === null ? onCancel : undefined}
        >
          {cancelling && !readOnly && <SpinnerIcon className="size-3" />}
          Cancel
        </Button>
      )}
    </Tooltip>
  );
}
