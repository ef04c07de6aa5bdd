import { toast } from 'sonner';
import type { UploadRecord } from '../../../../contract/dashboard-api.ts';
import { Button } from '../../../components/ui/button.tsx';
import { SpinnerIcon } from '../../../components/ui/icons.tsx';
import { Tooltip } from '../../../components/ui/tooltip.tsx';
import { useCancelUpload } from '../api/cancel-upload.ts';
import { cancelUnavailableReason } from '../utils/cancel-availability.ts';
import { describeCancelError } from '../utils/describe-cancel-error.ts';

interface CancelUploadButtonProps {
  record: UploadRecord;
  size?: 'sm' | 'md';
  tooltipAlign?: 'start' | 'end';
}

export function CancelUploadButton({ record, size = 'sm', tooltipAlign = 'end' }: CancelUploadButtonProps) {
  const { id, filename } = record.upload;
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

  const reason = cancel.isPending ? 'Cancelling…' : cancelUnavailableReason(record.status);

  // Never `disabled`: a disabled button drops out of the tab order, and keyboard users could
  // not reach the reason it does nothing.
  return (
    <Tooltip content={reason} align={tooltipAlign}>
      {(describedBy) => (
        <Button
          variant="danger"
          size={size}
          aria-label={`Cancel ${filename}`}
          aria-disabled={reason === null ? undefined : 'true'}
          aria-describedby={describedBy}
          onClick={reason === null ? () => cancel.mutate({ id }) : undefined}
        >
          {cancel.isPending && <SpinnerIcon className="size-3" />}
          Cancel
        </Button>
      )}
    </Tooltip>
  );
}
