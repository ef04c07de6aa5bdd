import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { ActivityWindow, UploadActivity } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { uploadKeys } from './upload-keys.ts';

/**
 * Live events refetch it (throttled, see live-updates.ts); this slow poll remains because stuck,
 * expiry and the window itself move with time alone.
 */
export const ACTIVITY_REFRESH_MS = 30_000;

const uploadActivityShape: Expected<UploadActivity> = { object: 'upload_activity', keys: ['window', 'bucket_seconds', 'start', 'end', 'buckets', 'totals'] };

export function getUploadActivity(window: ActivityWindow, signal?: AbortSignal): Promise<UploadActivity> {
  return apiClient.get(`/api/uploads/activity?window=${window}`, uploadActivityShape, { signal });
}

export function uploadActivityQueryOptions(window: ActivityWindow) {
  return queryOptions({
    queryKey: uploadKeys.activity(window),
    queryFn: ({ signal }) => getUploadActivity(window, signal),
    refetchInterval: ACTIVITY_REFRESH_MS,
  });
}

/** While another window loads, the previous one stays on screen (dimmed). */
export function useUploadActivity(window: ActivityWindow) {
  return useQuery({ ...uploadActivityQueryOptions(window), placeholderData: keepPreviousData });
}
