import type { UploadRecord } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { useCancelUpload } from '#src/features/uploads/api/cancel-upload.ts';
import { usePendingCancelIds } from '#src/features/uploads/api/pending-cancels.ts';
import { cancelUnavailableReason } from '#src/features/uploads/utils/cancel-availability.ts';
import { describeCancelError } from '#src/features/uploads/utils/describe-cancel-error.ts';
import { READ_ONLY_REASON, useOperatorAccess } from './operator-access.tsx';

interface CancelUploadButtonProps {
  record: UploadRecord;
  size?: 'sm' | 'md';
  tooltipAlign?: 'start' | 'end';
  /** Below, where a tooltip above would be cut off (the first row under a table's sticky header). */
  tooltipSide?: 'top' | 'bottom';
  /**
   * What a click does instead of cancelling at once: the list holds the cancel back for an
   * undo window. Without it (the detail page) the cancel is sent straight away.
   */
  onCancel?: () => void;
}

export function CancelUploadButton({ record, size = 'sm', tooltipAlign = 'end', tooltipSide = 'top', onCancel }: CancelUploadButtonProps) {
  const { id, filename } = record.upload;
  const { readOnly } = useOperatorAccess();
  const pendingIds = usePendingCancelIds();
  const cancel = useCancelUpload({
    mutationConfig: {
      onSuccess: () => {
        toast.success(`Cancelled ${filename}`);
      },
      onError: (error) => {
        const { title, description } = describeCancelError(filename, error);
        toast.error(title, { description, duration: 8_000 });
      },
    },
  });

  const cancelling = cancel.isPending || pendingIds.has(id);
  const reason = readOnly ? READ_ONLY_REASON : cancelling ? 'Cancelling…' : cancelUnavailableReason(record.status);

  // Never `disabled`: a disabled button drops out of the tab order, and keyboard users could
  // not reach the reason it does nothing.
  return (
    <Tooltip content={reason} align={tooltipAlign} side={tooltipSide}>
      {(describedBy) => (
        <Button
          variant="danger"
          size={size}
          aria-label={`Cancel ${filename}`}
          aria-disabled={reason === null ? undefined : 'true'}
          aria-describedby={describedBy}
          onClick={reason === null ? (onCancel ?? (() => cancel.mutate({ id }))) : undefined}
        >
          {cancelling && !readOnly && <SpinnerIcon className="size-3" />}
          Cancel
        </Button>
      )}
    </Tooltip>
  );
}
