// Every query key of the uploads feature, written once (TkDodo, "Effective React Query Keys").
// Lists and details sit under separate branches so "refresh every list" leaves details alone.
import type { ActivityWindow, BulkCancelRequest, SortField } from '#contract/dashboard-api.ts';
import type { UploadStatus } from '#contract/uploads.ts';

/** What narrows the list: shared by the list, "N results" and select-all-matching. */
export interface UploadListFilters {
  status?: UploadStatus;
  /** Only stuck uploads (pending implied). */
  stuck?: boolean;
  purpose?: string;
  /** Filename substring, or an id / id prefix starting with `upload_`. */
  q?: string;
  /** Created at least this many seconds ago. */
  older_than?: number;
  /** Only uploads made through this client (its token's name). */
  client?: string;
  /** Created at or after this moment (unix seconds): a chart bar's window, with created_before. */
  created_after?: number;
  /** Created before this moment (unix seconds). */
  created_before?: number;
}

/** Filters plus the order the rows come in. */
export interface UploadListView extends UploadListFilters {
  sort?: SortField;
  order?: 'asc' | 'desc';
}

/** One spelling per filter, so `{}` and `{ status: undefined }` share a cache entry. */
function normalFilters(filters: UploadListFilters) {
  return {
    status: filters.status ?? 'all',
    stuck: filters.stuck ?? false,
    purpose: filters.purpose ?? null,
    q: filters.q ?? '',
    older_than: filters.older_than ?? null,
    client: filters.client ?? null,
    created_after: filters.created_after ?? null,
    created_before: filters.created_before ?? null,
  };
}

export const uploadKeys = {
  all: ['uploads'] as const,
  lists: () => [...uploadKeys.all, 'list'] as const,
  list: (view: UploadListView) =>
    [...uploadKeys.lists(), { ...normalFilters(view), sort: view.sort ?? 'created_at', order: view.order ?? 'desc' }] as const,
  /** How many uploads match a filter (the bulk-cancel preview); not under lists(): its data is no list. */
  matchings: () => [...uploadKeys.all, 'matching'] as const,
  matching: (filters: UploadListFilters) => [...uploadKeys.matchings(), normalFilters(filters)] as const,
  details: () => [...uploadKeys.all, 'detail'] as const,
  detail: (id: string) => [...uploadKeys.details(), id] as const,
  // A branch of its own: code that reads detail entries by prefix expects upload records there.
  timelines: () => [...uploadKeys.all, 'timeline'] as const,
  timeline: (id: string) => [...uploadKeys.timelines(), id] as const,
  /** Per-client counts (GET /api/clients): not under lists(), its data is no list of uploads. */
  clients: () => [...uploadKeys.all, 'clients'] as const,
  /** The uploads-over-time chart, per window; not under lists(): its data is no list. */
  activities: () => [...uploadKeys.all, 'activity'] as const,
  activity: (window: ActivityWindow) => [...uploadKeys.activities(), window] as const,
  /** Mutations, not queries: the key useMutationState looks for. */
  cancel: () => [...uploadKeys.all, 'cancel'] as const,
};

export const bulkCancelKeys = {
  all: ['bulk-cancels'] as const,
  running: () => [...bulkCancelKeys.all, 'list', 'running'] as const,
  /** null: no job (a query that is skipped). */
  detail: (id: string | null) => [...bulkCancelKeys.all, 'detail', id] as const,
  previews: () => [...bulkCancelKeys.all, 'preview'] as const,
  /** null: nothing to preview (a query that is skipped). */
  preview: (request: BulkCancelRequest | null) => [...bulkCancelKeys.previews(), request] as const,
  /** The mutation that starts a job. */
  start: () => [...bulkCancelKeys.all, 'start'] as const,
};
