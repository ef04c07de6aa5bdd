import { queryOptions, skipToken, useQuery } from '@tanstack/react-query';
import type { BulkCancelPreview, BulkCancelRequest } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { filterForRequest } from '#src/features/uploads/utils/list-search-params.ts';
import { bulkCancelKeys, uploadKeys, type UploadListFilters } from './upload-keys.ts';

const bulkCancelPreviewShape: Expected<BulkCancelPreview> = { keys: ['cancellable', 'skipped', 'unknown'] };

/** What a bulk cancel of these ids, or of everything matching this filter, would touch. */
export function previewBulkCancel(request: BulkCancelRequest, signal?: AbortSignal): Promise<BulkCancelPreview> {
  // Only the selection counts; the reason is not part of a preview.
  const body = 'ids' in request ? { ids: request.ids } : { filter: request.filter };
  return apiClient.post('/api/bulk-cancels/preview', bulkCancelPreviewShape, { body, signal });
}

/** The numbers the confirm dialog states; asked afresh each time it opens (null: it is closed). */
export function bulkCancelPreviewQueryOptions(request: BulkCancelRequest | null) {
  return queryOptions({
    queryKey: bulkCancelKeys.preview(request),
    queryFn: request === null ? skipToken : ({ signal }) => previewBulkCancel(request, signal),
    staleTime: 0,
    gcTime: 0,
  });
}

export function useBulkCancelPreview(request: BulkCancelRequest | null) {
  return useQuery(bulkCancelPreviewQueryOptions(request));
}

/**
 * How many uploads match the list's filters (pending ones are `cancellable`): the list's own
 * counts ignore filters, the preview does not.
 */
export function matchingQueryOptions(filters: UploadListFilters) {
  return queryOptions({
    queryKey: uploadKeys.matching(filters),
    queryFn: ({ signal }) => previewBulkCancel({ filter: filterForRequest(filters) }, signal),
    staleTime: 5_000,
  });
}

export function useMatching(filters: UploadListFilters, { enabled }: { enabled: boolean }) {
  return useQuery({ ...matchingQueryOptions(filters), enabled });
}
