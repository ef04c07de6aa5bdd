// Every query key of the uploads feature, written once (TkDodo, "Effective React Query Keys").
// Lists and details sit under separate branches so "refresh every list" leaves details alone.
import type { UploadStatus } from '../../../../contract/uploads.ts';

export interface UploadListFilters {
  status?: UploadStatus;
}

export const uploadKeys = {
  all: ['uploads'] as const,
  lists: () => [...uploadKeys.all, 'list'] as const,
  list: (filters: UploadListFilters) => [...uploadKeys.lists(), { status: filters.status ?? 'all' }] as const,
  details: () => [...uploadKeys.all, 'detail'] as const,
  detail: (id: string) => [...uploadKeys.details(), id] as const,
  /** Mutations, not queries: the key useMutationState looks for. */
  cancel: () => [...uploadKeys.all, 'cancel'] as const,
};
