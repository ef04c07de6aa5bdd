import { toast } from '#src/components/ui/toaster.tsx';
import type { CancelUploadCallbacks } from '#src/features/uploads/api/cancel-upload.ts';
import { describeCancelError } from './describe-cancel-error.ts';

/** What the operator is told when a cancel of one upload, sent from its row or its page, settles. */
export function cancelToasts(filename: string): Pick<CancelUploadCallbacks, 'onSuccess' | 'onError'> {
  return {
    onSuccess: () => {
      toast.success(`Cancelled ${filename}`);
    },
    onError: (error) => {
      const { title, description } = describeCancelError(filename, error);
      toast.error(title, { description, duration: 8_000 });
    },
  };
}
