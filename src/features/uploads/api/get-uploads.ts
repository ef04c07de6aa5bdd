import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { UploadList } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { uploadKeys, type UploadListView } from './upload-keys.ts';

export const UPLOADS_PAGE_SIZE = 100;
/** While the live stream is down, the list polls. */
export const UPLOADS_REFRESH_MS = 5_000;
/**
 * While it is up, changes arrive as events; a slow poll remains because "stuck" is a matter of
 * time passing, which no event announces.
 */
export const UPLOADS_LIVE_REFRESH_MS = 30_000;

const uploadListShape: Expected<UploadList> = { object: 'list', keys: ['data', 'has_more', 'next_cursor', 'counts'] };

export function getUploads(view: UploadListView & { cursor?: string | null }, signal?: AbortSignal): Promise<UploadList> {
  const params = new URLSearchParams({ limit: String(UPLOADS_PAGE_SIZE) });
  if (view.stuck) params.set('stuck', 'true');
  else if (view.status) params.set('status', view.status);
  if (view.purpose) params.set('purpose', view.purpose);
  if (view.client) params.set('client', view.client);
  if (view.q) params.set('q', view.q);
  if (view.older_than !== undefined) params.set('older_than', String(view.older_than));
  if (view.created_after !== undefined) params.set('created_after', String(view.created_after));
  if (view.created_before !== undefined) params.set('created_before', String(view.created_before));
  if (view.sort) params.set('sort', view.sort);
  if (view.order) params.set('order', view.order);
  if (view.cursor) params.set('cursor', view.cursor);
  return apiClient.get(`/api/uploads?${params}`, uploadListShape, { signal });
}

export function uploadListQueryOptions(view: UploadListView, refetchInterval: number = UPLOADS_REFRESH_MS) {
  return infiniteQueryOptions({
    queryKey: uploadKeys.list(view),
    queryFn: ({ pageParam, signal }) => getUploads({ ...view, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => (lastPage.has_more ? lastPage.next_cursor : null),
    refetchInterval,
  });
}

/** While another filter loads, the previous rows stay on screen (dimmed) instead of a skeleton. */
export function useUploads(view: UploadListView, { refetchInterval }: { refetchInterval?: number } = {}) {
  return useInfiniteQuery({ ...uploadListQueryOptions(view, refetchInterval), placeholderData: keepPreviousData });
}
