import { queryOptions, skipToken, useQuery } from '@tanstack/react-query';
import type { BulkCancelJob } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { bulkCancelKeys } from './upload-keys.ts';

/** Live `job` events carry progress; this poll is the fallback while the stream is down. */
export const BULK_POLL_MS = 1_000;
export const BULK_LIVE_POLL_MS = 5_000;

/** Also what a started job and a live `job` event must look like. */
export const bulkCancelJobShape: Expected<BulkCancelJob> = { object: 'bulk_cancel', keys: ['id', 'state', 'progress', 'total'] };

/** The job with `items`: every outcome that is not a plain "cancelled", with its message. */
export function getBulkCancel(id: string, signal?: AbortSignal): Promise<BulkCancelJob> {
  return apiClient.get(`/api/bulk-cancels/${encodeURIComponent(id)}`, bulkCancelJobShape, { signal });
}

/** `id` null: no job is followed, and nothing is fetched. */
export function bulkCancelQueryOptions(id: string | null, { live = false }: { live?: boolean } = {}) {
  return queryOptions({
    queryKey: bulkCancelKeys.detail(id),
    queryFn: id === null ? skipToken : ({ signal }) => getBulkCancel(id, signal),
    refetchInterval: (query) => (query.state.data?.state === 'done' ? false : live ? BULK_LIVE_POLL_MS : BULK_POLL_MS),
  });
}

export function useBulkCancel(id: string | null, { live }: { live: boolean }) {
  return useQuery(bulkCancelQueryOptions(id, { live }));
}
