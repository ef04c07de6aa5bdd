import { useCallback } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { toast } from '#src/components/ui/toaster.tsx';
import { UNDO_WINDOW_MS, usePendingCancels } from '#src/features/uploads/api/pending-cancels.ts';
import { describeCancelError } from '#src/features/uploads/utils/describe-cancel-error.ts';

/**
 * Cancel from the list, Gmail-style: the row reads "cancelled" at once, a toast offers Undo for
 * five seconds, and only then is the request sent (at once if the page is hidden or closed).
 */
export function useCancelWithUndo(): (record: UploadRecord) => void {
  const store = usePendingCancels();
  return useCallback(
    (record: UploadRecord) => {
      const { id, filename } = record.upload;
      const toastId = `cancel-${id}`;
      const deferred = store.defer(id, {
        onSend: () => toast.dismiss(toastId),
        onSuccess: () => {
          toast.success(`Cancelled ${filename}`);
        },
        onError: (error) => {
          const { title, description } = describeCancelError(filename, error);
          toast.error(title, { description, duration: 8_000 });
        },
      });
      if (!deferred) return;
      toast(`Cancelling ${filename}…`, {
        id: toastId,
        duration: UNDO_WINDOW_MS,
        description: `Sent in ${UNDO_WINDOW_MS / 1000} seconds unless you undo.`,
        action: {
          label: 'Undo',
          onClick: () => {
            if (!store.undo(id)) toast.info(`Too late to undo: the cancel of ${filename} was already sent`);
          },
        },
      });
    },
    [store],
  );
}
