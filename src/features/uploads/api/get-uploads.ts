import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { uploadListSchema, type UploadList } from '../../../../contract/dashboard-api.ts';
import { apiClient } from '../../../lib/api-client.ts';
import { uploadKeys, type UploadListFilters } from './upload-keys.ts';

export const UPLOADS_PAGE_SIZE = 50;
/** Expiry is derived on the server and nothing pushes changes, so the list polls. */
export const UPLOADS_REFRESH_MS = 5_000;

export function getUploads(
  { status, cursor }: UploadListFilters & { cursor?: string | null },
  signal?: AbortSignal,
): Promise<UploadList> {
  const params = new URLSearchParams({ limit: String(UPLOADS_PAGE_SIZE) });
  if (status) params.set('status', status);
  if (cursor) params.set('cursor', cursor);
  return apiClient.get(`/api/uploads?${params}`, uploadListSchema, { signal });
}

export function uploadListQueryOptions(filters: UploadListFilters) {
  return infiniteQueryOptions({
    queryKey: uploadKeys.list(filters),
    queryFn: ({ pageParam, signal }) => getUploads({ ...filters, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => (lastPage.has_more ? lastPage.next_cursor : null),
    refetchInterval: UPLOADS_REFRESH_MS,
  });
}

export function useUploads(filters: UploadListFilters) {
  return useInfiniteQuery(uploadListQueryOptions(filters));
}
