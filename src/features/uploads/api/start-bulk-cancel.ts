import { useMutation } from '@tanstack/react-query';
import type { BulkCancelJob, BulkCancelRequest } from '#contract/dashboard-api.ts';
import { apiClient } from '#src/lib/api-client.ts';
import { pendingCancelsFor } from '#src/features/uploads/stores/pending-cancels.ts';
import { bulkCancelJobShape } from './get-bulk-cancel.ts';
import { bulkCancelKeys } from './upload-keys.ts';

/** Starts a server-side job (202): it works through the uploads with bounded concurrency. */
export function startBulkCancel(request: BulkCancelRequest): Promise<BulkCancelJob> {
  return apiClient.post('/api/bulk-cancels', bulkCancelJobShape, { body: request });
}

export interface StartBulkCancelVariables {
  request: BulkCancelRequest;
  /** Loaded rows the job will cancel: they read "cancelled" from now until it is done. */
  affectedIds: readonly string[];
}

export interface UseStartBulkCancelOptions {
  mutationConfig?: { onSuccess?: (job: BulkCancelJob) => void };
}

/**
 * The affected rows turn "cancelled" at once and stay so while the job runs: they are marked in
 * the pending-cancels store under the job's id, and settled there once the job is done.
 */
export function useStartBulkCancel({ mutationConfig: { onSuccess } = {} }: UseStartBulkCancelOptions = {}) {
  return useMutation({
    mutationKey: bulkCancelKeys.start(),
    mutationFn: ({ request }: StartBulkCancelVariables) => startBulkCancel(request),
    onMutate: ({ affectedIds }, { client }) => ({ mark: pendingCancelsFor(client).markBulk(affectedIds) }),
    onError: (_error, _variables, context) => context?.mark.release(),
    onSuccess: (job, _variables, context, { client }) => {
      context.mark.belongsTo(job.id);
      client.setQueryData(bulkCancelKeys.detail(job.id), job);
      onSuccess?.(job);
    },
  });
}
