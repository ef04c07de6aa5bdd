import { useMutation } from '@tanstack/react-query';
import type { BulkCancelJob, BulkCancelRequest } from '#contract/dashboard-api.ts';
import { apiClient } from '#src/lib/api-client.ts';
import { bulkCancelJobShape } from './get-bulk-cancel.ts';
import { pendingCancelsFor } from './pending-cancels.ts';
import { bulkCancelKeys, uploadKeys } from './upload-keys.ts';

/** Starts a server-side job (202): it works through the uploads with bounded concurrency. */
export function startBulkCancel(request: BulkCancelRequest): Promise<BulkCancelJob> {
  return apiClient.post('/api/bulk-cancels', bulkCancelJobShape, { body: request });
}

export interface StartBulkCancelVariables {
  request: BulkCancelRequest;
  /** Loaded rows the job will cancel: they read "cancelled" from now until it is done. */
  affectedIds: readonly string[];
}

let localKeys = 0;

/**
 * The affected rows turn "cancelled" at once and stay so while the job runs (marked in the
 * pending-cancels store under the job's id); whoever follows the job unmarks them once it is
 * done and the lists hold the truth again.
 */
export function useStartBulkCancel({ onSuccess }: { onSuccess?: (job: BulkCancelJob) => void } = {}) {
  return useMutation({
    mutationKey: bulkCancelKeys.start(),
    mutationFn: ({ request }: StartBulkCancelVariables) => startBulkCancel(request),
    onMutate: async ({ affectedIds }, { client }) => {
      await client.cancelQueries({ queryKey: uploadKeys.lists() });
      const key = `local-${++localKeys}`;
      pendingCancelsFor(client).markBulk(key, affectedIds);
      return { key };
    },
    onError: (_error, _variables, context, { client }) => {
      if (context) pendingCancelsFor(client).unmarkBulk(context.key);
    },
    onSuccess: (job, _variables, context, { client }) => {
      pendingCancelsFor(client).renameBulk(context.key, job.id);
      client.setQueryData(bulkCancelKeys.detail(job.id), job);
      onSuccess?.(job);
    },
  });
}
