import { useCallback } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { toast } from '#src/components/ui/toaster.tsx';
import { UNDO_WINDOW_MS, usePendingCancels } from '#src/features/uploads/stores/pending-cancels.ts';
import { cancelToasts } from '#src/features/uploads/utils/cancel-toasts.ts';

/**
 * Cancel from the list, Gmail-style: the row reads "cancelled" at once, a toast offers Undo for
 * five seconds, and only then is the request sent (at once if the page is hidden or closed).
 */
export function useCancelWithUndo(): (record: UploadRecord) => void {
  const pendingCancels = usePendingCancels();
  return useCallback(
    (record: UploadRecord) => {
      const { id, filename } = record.upload;
      const toastId = `cancel-${id}`;
      const deferred = pendingCancels.defer(id, { ...cancelToasts(filename), onSend: () => toast.dismiss(toastId) });
      if (!deferred) return;
      toast(`Cancelling ${filename}…`, {
        id: toastId,
        duration: UNDO_WINDOW_MS,
        description: `Sent in ${UNDO_WINDOW_MS / 1000} seconds unless you undo.`,
        action: {
          label: 'Undo',
          onClick: () => {
            if (!pendingCancels.undo(id)) toast.info(`Too late to undo: the cancel of ${filename} was already sent`);
          },
        },
      });
    },
    [pendingCancels],
  );
}
