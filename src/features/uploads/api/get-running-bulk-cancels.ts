import { queryOptions, useQuery } from '@tanstack/react-query';
import type { BulkCancelJob } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { bulkCancelKeys } from './upload-keys.ts';

const bulkCancelJobListShape: Expected<{ object: 'list'; data: BulkCancelJob[] }> = { object: 'list', keys: ['data'] };

export function getRunningBulkCancels(signal?: AbortSignal): Promise<BulkCancelJob[]> {
  return apiClient.get('/api/bulk-cancels?state=running', bulkCancelJobListShape, { signal }).then((list) => list.data);
}

/** Jobs still running when the page loads (a reload, or another tab started one): shown again. */
export function runningBulkCancelsQueryOptions() {
  return queryOptions({
    queryKey: bulkCancelKeys.running(),
    queryFn: ({ signal }) => getRunningBulkCancels(signal),
    // Asked afresh whenever the list mounts: a job may have started since.
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

export function useRunningBulkCancels() {
  return useQuery(runningBulkCancelsQueryOptions());
}
