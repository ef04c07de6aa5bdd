import { mutationOptions, useMutation } from '@tanstack/react-query';
import type { Upload } from '#contract/uploads.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { updateCachedUpload, withStatus } from './upload-cache.ts';
import { uploadKeys } from './upload-keys.ts';

export interface CancelUploadVariables {
  id: string;
}

export function cancelPath(id: string): string {
  return `/api/uploads/${encodeURIComponent(id)}/cancel`;
}

const uploadShape: Expected<Upload> = { object: 'upload', keys: ['id', 'status'] };

/**
 * Answers with the Upload object OpenAI returned (status "cancelled"). With keepalive the
 * request outlives the page, and it is issued before this returns.
 */
export function cancelUpload({ id }: CancelUploadVariables, { keepalive = false }: { keepalive?: boolean } = {}): Promise<Upload> {
  return apiClient.post(cancelPath(id), uploadShape, { keepalive });
}

export interface CancelUploadCallbacks {
  onSuccess?: (upload: Upload, variables: CancelUploadVariables) => unknown;
  onError?: (error: Error, variables: CancelUploadVariables) => unknown;
  onSettled?: (upload: Upload | undefined, error: Error | null, variables: CancelUploadVariables) => unknown;
}

export interface UseCancelUploadOptions {
  /** For the call site's toasts; the cache work below always runs first. */
  mutationConfig?: CancelUploadCallbacks;
}

/**
 * Cancels an upload optimistically, TanStack Query's "via the UI" variant: while the mutation is
 * pending the upload reads "cancelled" wherever it is shown (the overlay in
 * stores/pending-cancels.ts, which reads pending cancel mutations), so nothing is written before
 * the server answers and a failure needs no rollback: the rows show the cache again, and the
 * call site's onError says why. On success the server's object goes into the cache; once the
 * last of several overlapping cancels settles, the lists are refetched.
 */
export function cancelUploadMutationOptions({ onSuccess, onError, onSettled }: CancelUploadCallbacks = {}) {
  return mutationOptions<Upload, Error, CancelUploadVariables>({
    mutationKey: uploadKeys.cancel(),
    mutationFn: (variables) => cancelUpload(variables),
    onError: (error, variables) => onError?.(error, variables),
    onSuccess: async (upload, variables, _context, { client }) => {
      // A poll that left before OpenAI confirmed would still say "pending": drop it.
      await Promise.all([
        client.cancelQueries({ queryKey: uploadKeys.lists() }),
        client.cancelQueries({ queryKey: uploadKeys.detail(variables.id) }),
      ]);
      updateCachedUpload(client, variables.id, (record) => ({ ...withStatus(record, upload.status), upload }));
      return onSuccess?.(upload, variables);
    },
    // The mutation stays pending, and its rows keep reading "cancelled", until these refetches
    // land: the rows go straight from the overlay to the server's word.
    onSettled: async (upload, error, variables, _context, { client }) => {
      await onSettled?.(upload, error, variables);
      const refetches = [client.invalidateQueries({ queryKey: uploadKeys.detail(variables.id) })];
      // One refetch of the lists for a burst of cancels, when the last of them settles.
      if (client.isMutating({ mutationKey: uploadKeys.cancel() }) === 1) {
        refetches.push(
          client.invalidateQueries({ queryKey: uploadKeys.lists() }),
          client.invalidateQueries({ queryKey: uploadKeys.matchings() }),
        );
      }
      return Promise.all(refetches);
    },
  });
}

export function useCancelUpload({ mutationConfig }: UseCancelUploadOptions = {}) {
  return useMutation(cancelUploadMutationOptions(mutationConfig));
}
