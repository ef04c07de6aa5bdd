import { mutationOptions, useMutation, type MutationFunctionContext } from '@tanstack/react-query';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import type { Upload } from '#contract/uploads.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { updateCachedUpload, withStatus } from './upload-cache.ts';
import { uploadKeys } from './upload-keys.ts';

export interface CancelUploadVariables {
  id: string;
  /**
   * The request, when it has already gone out: a tab being hidden or closed sends its waiting
   * cancels at once, with keepalive, before anything asynchronous could run.
   */
  sent?: Promise<Upload>;
}

export function cancelPath(id: string): string {
  return `/api/uploads/${encodeURIComponent(id)}/cancel`;
}

const uploadShape: Expected<Upload> = { object: 'upload', keys: ['id', 'status'] };

/** Answers with the Upload object OpenAI returned (status "cancelled"). */
export function cancelUpload({ id }: Pick<CancelUploadVariables, 'id'>, { keepalive = false }: { keepalive?: boolean } = {}): Promise<Upload> {
  return apiClient.post(cancelPath(id), uploadShape, { keepalive });
}

export interface CancelUploadContext {
  /** The record as it was before the optimistic write, per cache entry (by query hash). */
  previous: Map<string, UploadRecord>;
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
 * Cancels an upload optimistically (TanStack Query, "Optimistic Updates" via the cache): the
 * record reads "cancelled" everywhere at once, goes back if the server refuses, takes the
 * server's object when it agrees, and the lists are refetched once the last of several
 * overlapping cancels has settled.
 */
export function cancelUploadMutationOptions({ onSuccess, onError, onSettled }: CancelUploadCallbacks = {}) {
  return mutationOptions<Upload, Error, CancelUploadVariables, CancelUploadContext>({
    mutationKey: uploadKeys.cancel(),
    mutationFn: ({ id, sent }) => sent ?? cancelUpload({ id }),
    onMutate: async ({ id }, { client }: MutationFunctionContext) => {
      // A refetch already on its way would land on top of the optimistic write.
      await Promise.all([
        client.cancelQueries({ queryKey: uploadKeys.lists() }),
        client.cancelQueries({ queryKey: uploadKeys.detail(id) }),
      ]);
      const previous = new Map<string, UploadRecord>();
      updateCachedUpload(client, id, (record, queryHash) => {
        if (record.status !== 'pending') return record;
        previous.set(queryHash, record);
        return withStatus(record, 'cancelled');
      });
      return { previous };
    },
    onError: (error, variables, context, fnContext) => {
      if (context) {
        // Undo only what this mutation wrote: an entry a refetch has since replaced already
        // holds the server's word, which is newer than the snapshot.
        updateCachedUpload(fnContext.client, variables.id, (record, queryHash) => {
          const before = context.previous.get(queryHash);
          return before && record.status === 'cancelled' ? before : record;
        });
      }
      return onError?.(error, variables);
    },
    onSuccess: async (upload, variables, context, fnContext) => {
      // A poll that left before OpenAI confirmed would still say "pending": drop it.
      await Promise.all([
        fnContext.client.cancelQueries({ queryKey: uploadKeys.lists() }),
        fnContext.client.cancelQueries({ queryKey: uploadKeys.detail(variables.id) }),
      ]);
      updateCachedUpload(fnContext.client, variables.id, (record) => ({ ...withStatus(record, upload.status), upload }));
      return onSuccess?.(upload, variables);
    },
    onSettled: async (data, error, variables, context, fnContext) => {
      await onSettled?.(data, error, variables);
      // Refetching while another cancel is in flight would bring its row back as pending.
      if (fnContext.client.isMutating({ mutationKey: uploadKeys.cancel() }) === 1) {
        return Promise.all([
          fnContext.client.invalidateQueries({ queryKey: uploadKeys.lists() }),
          fnContext.client.invalidateQueries({ queryKey: uploadKeys.details() }),
          fnContext.client.invalidateQueries({ queryKey: uploadKeys.matchings() }),
        ]);
      }
    },
  });
}

export function useCancelUpload({ mutationConfig }: UseCancelUploadOptions = {}) {
  return useMutation(cancelUploadMutationOptions(mutationConfig));
}
