import { useMutation, useMutationState, type UseMutationOptions } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { UploadRecord } from '../../../../contract/dashboard-api.ts';
import { uploadSchema, type Upload } from '../../../../contract/uploads.ts';
import { apiClient } from '../../../lib/api-client.ts';
import { updateCachedUpload, withStatus } from './upload-cache.ts';
import { uploadKeys } from './upload-keys.ts';

export interface CancelUploadVariables {
  id: string;
}

/** Answers with the Upload object OpenAI returned (status "cancelled"). */
export function cancelUpload({ id }: CancelUploadVariables): Promise<Upload> {
  return apiClient.post(`/api/uploads/${encodeURIComponent(id)}/cancel`, uploadSchema);
}

export interface CancelUploadContext {
  /** The record as it was before the optimistic write, per cache entry (by query hash). */
  previous: Map<string, UploadRecord>;
}

type CancelUploadOptions = UseMutationOptions<Upload, Error, CancelUploadVariables, CancelUploadContext>;

export interface UseCancelUploadOptions {
  /** For the call site's toasts; the cache work below always runs first. */
  mutationConfig?: Pick<CancelUploadOptions, 'onSuccess' | 'onError' | 'onSettled'>;
}

/**
 * Cancels an upload optimistically (TanStack Query, "Optimistic Updates" via the cache): the
 * record reads "cancelled" everywhere at once, goes back if the server refuses, takes the
 * server's object when it agrees, and the lists are refetched once the last of several
 * overlapping cancels has settled.
 */
export function useCancelUpload({ mutationConfig }: UseCancelUploadOptions = {}) {
  const { onSuccess, onError, onSettled } = mutationConfig ?? {};
  return useMutation({
    mutationKey: uploadKeys.cancel(),
    mutationFn: cancelUpload,
    onMutate: async ({ id }, { client }) => {
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
      return onError?.(error, variables, context, fnContext);
    },
    onSuccess: async (upload, variables, context, fnContext) => {
      // A poll that left before OpenAI confirmed would still say "pending": drop it.
      await Promise.all([
        fnContext.client.cancelQueries({ queryKey: uploadKeys.lists() }),
        fnContext.client.cancelQueries({ queryKey: uploadKeys.detail(variables.id) }),
      ]);
      updateCachedUpload(fnContext.client, variables.id, (record) => ({ ...record, upload, status: upload.status }));
      return onSuccess?.(upload, variables, context, fnContext);
    },
    onSettled: async (data, error, variables, context, fnContext) => {
      await onSettled?.(data, error, variables, context, fnContext);
      // Refetching while another cancel is in flight would bring its row back as pending.
      if (fnContext.client.isMutating({ mutationKey: uploadKeys.cancel() }) === 1) {
        return Promise.all([
          fnContext.client.invalidateQueries({ queryKey: uploadKeys.lists() }),
          fnContext.client.invalidateQueries({ queryKey: uploadKeys.details() }),
        ]);
      }
    },
  });
}

/** Ids of uploads whose cancel request is still on its way. */
export function usePendingCancelIds(): ReadonlySet<string> {
  const ids = useMutationState({
    filters: { mutationKey: uploadKeys.cancel(), status: 'pending' },
    select: (mutation) => (mutation.state.variables as CancelUploadVariables | undefined)?.id,
  });
  return useMemo(() => new Set(ids.filter((id): id is string => id !== undefined)), [ids]);
}

/**
 * The render-time half of the optimistic update: whatever a background refetch has just
 * written, an upload whose cancel is in flight reads "cancelled".
 */
export function withPendingCancel(record: UploadRecord, pendingIds: ReadonlySet<string>): UploadRecord {
  return record.status === 'pending' && pendingIds.has(record.upload.id) ? withStatus(record, 'cancelled') : record;
}
