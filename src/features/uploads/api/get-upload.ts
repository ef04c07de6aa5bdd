import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { UPLOADS_REFRESH_MS } from './get-uploads.ts';
import { uploadKeys } from './upload-keys.ts';

/** Also what a live `upload` event must look like. */
export const uploadRecordShape: Expected<UploadRecord> = { keys: ['upload', 'status'] };

export function getUpload(id: string, signal?: AbortSignal): Promise<UploadRecord> {
  return apiClient.get(`/api/uploads/${encodeURIComponent(id)}`, uploadRecordShape, { signal });
}

export function uploadDetailQueryOptions(id: string) {
  return queryOptions({
    queryKey: uploadKeys.detail(id),
    queryFn: ({ signal }) => getUpload(id, signal),
    refetchInterval: UPLOADS_REFRESH_MS,
  });
}

/** Suspends until the record is there (seeded from a list, or fetched: see upload-load.ts); a failure with no record goes to the error boundary. */
export function useUpload(id: string) {
  return useSuspenseQuery(uploadDetailQueryOptions(id));
}
