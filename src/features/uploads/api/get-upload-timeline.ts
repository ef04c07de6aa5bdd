import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TimelineEvent } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { uploadKeys } from './upload-keys.ts';

/** Like the detail it sits on: parts and expiry are news nobody pushes. */
export const TIMELINE_REFRESH_MS = 5_000;

const timelineShape: Expected<{ object: 'list'; data: TimelineEvent[] }> = { object: 'list', keys: ['data'] };

/** Everything the proxy saw happen to one upload, oldest first. */
export async function getUploadTimeline(id: string, signal?: AbortSignal): Promise<TimelineEvent[]> {
  const list = await apiClient.get(`/api/uploads/${encodeURIComponent(id)}/timeline`, timelineShape, { signal });
  return list.data;
}

export function uploadTimelineQueryOptions(id: string) {
  return queryOptions({
    queryKey: uploadKeys.timeline(id),
    queryFn: ({ signal }) => getUploadTimeline(id, signal),
    refetchInterval: TIMELINE_REFRESH_MS,
  });
}

/** Not a suspense query: the detail page shows at once, and the timeline fills in its own card. */
export function useUploadTimeline(id: string) {
  return useQuery(uploadTimelineQueryOptions(id));
}
