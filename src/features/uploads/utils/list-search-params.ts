// The uploads list keeps its whole view (tab, filters, sort) in the URL's search params, so a
// link reproduces what the operator sees and Back steps through it. This is the one place that
// reads and writes them.
import { SORT_FIELDS, UPLOAD_STATUSES, type SortField } from '#contract/constants.ts';
import type { UploadFilter } from '#contract/dashboard-api.ts';
import type { UploadListFilters, UploadListView } from '#src/features/uploads/api/upload-keys.ts';

/** The purposes OpenAI accepts for uploads; an unknown one from a link still filters. */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

export const AGE_OPTIONS = [
  { seconds: 600, label: 'Older than 10 min' },
  { seconds: 1800, label: 'Older than 30 min' },
  { seconds: 3600, label: 'Older than 1 h' },
  { seconds: 86_400, label: 'Older than 1 day' },
] as const;

export const DEFAULT_SORT: SortField = 'created_at';
export const DEFAULT_ORDER = 'desc';

/** The direction a column sorts in on its first click: soonest expiry first, otherwise largest/newest. */
export const FIRST_ORDER: Record<SortField, 'asc' | 'desc'> = {
  created_at: 'desc',
  expires_at: 'asc',
  bytes: 'desc',
  last_activity_at: 'desc',
};

const MAX_AGE_SECONDS = 10 * 365 * 86_400;

export interface ParsedListView extends UploadListView {
  sort: SortField;
  order: 'asc' | 'desc';
}

/** Anything unknown or malformed in the URL is ignored rather than shown as an error. */
export function parseListSearch(params: URLSearchParams): ParsedListView {
  const view: ParsedListView = { sort: DEFAULT_SORT, order: DEFAULT_ORDER };
  // Stuck uploads are pending by definition: the stuck view has no status of its own.
  if (params.get('stuck') === 'true') {
    view.stuck = true;
  } else {
    const status = UPLOAD_STATUSES.find((s) => s === params.get('status'));
    if (status) view.status = status;
  }
  const purpose = params.get('purpose')?.trim();
  if (purpose && purpose.length <= 64) view.purpose = purpose;
  const client = params.get('client')?.trim();
  if (client && client.length <= 64) view.client = client;
  const q = params.get('q')?.trim();
  if (q) view.q = q.slice(0, 200);
  const olderThan = params.get('older_than');
  if (olderThan !== null && /^\d{1,10}$/.test(olderThan)) {
    const seconds = Number(olderThan);
    if (seconds > 0 && seconds <= MAX_AGE_SECONDS) view.older_than = seconds;
  }
  for (const key of ['created_after', 'created_before'] as const) {
    const moment = params.get(key);
    if (moment !== null && /^\d{1,12}$/.test(moment)) view[key] = Number(moment);
  }
  const sort = SORT_FIELDS.find((field) => field === params.get('sort'));
  if (sort) view.sort = sort;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') view.order = order;
  return view;
}

/** The inverse of parseListSearch; defaults are left out, so the plain list is just `/`. */
export function listSearchFor(view: UploadListView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.stuck) params.set('stuck', 'true');
  else if (view.status) params.set('status', view.status);
  if (view.purpose) params.set('purpose', view.purpose);
  if (view.client) params.set('client', view.client);
  if (view.older_than !== undefined) params.set('older_than', String(view.older_than));
  if (view.q) params.set('q', view.q);
  if (view.created_after !== undefined) params.set('created_after', String(view.created_after));
  if (view.created_before !== undefined) params.set('created_before', String(view.created_before));
  const sort = view.sort ?? DEFAULT_SORT;
  const order = view.order ?? DEFAULT_ORDER;
  if (sort !== DEFAULT_SORT || order !== DEFAULT_ORDER) {
    params.set('sort', sort);
    params.set('order', order);
  }
  return params;
}

export function listHrefFor(view: UploadListView): string {
  const search = listSearchFor(view).toString();
  return search ? `/?${search}` : '/';
}

/** Just what narrows the rows (no sort). */
export function filtersOf(view: UploadListView): UploadListFilters {
  const { status, stuck, purpose, q, older_than, client, created_after, created_before } = view;
  return { status, stuck, purpose, q, older_than, client, created_after, created_before };
}

/** Search, purpose, client, age or a created-time window: the narrowing an operator types or picks, as opposed to a tab. */
export function hasNarrowingFilters(view: UploadListFilters): boolean {
  return view.purpose !== undefined || view.q !== undefined || view.older_than !== undefined || view.client !== undefined || hasCreatedWindow(view);
}

/** A created-time window (a chart bar's) narrows the list. */
export function hasCreatedWindow(view: UploadListFilters): boolean {
  return view.created_after !== undefined || view.created_before !== undefined;
}

/** The filter as the bulk-cancel endpoints take it (the wire spells booleans as strings). */
export function filterForRequest(filters: UploadListFilters): UploadFilter {
  const filter: UploadFilter = {};
  if (filters.stuck) filter.stuck = 'true';
  else if (filters.status) filter.status = filters.status;
  if (filters.purpose) filter.purpose = filters.purpose;
  if (filters.client) filter.client = filters.client;
  if (filters.q) filter.q = filters.q;
  if (filters.older_than !== undefined) filter.older_than = filters.older_than;
  if (filters.created_after !== undefined) filter.created_after = filters.created_after;
  if (filters.created_before !== undefined) filter.created_before = filters.created_before;
  return filter;
}

export function ageLabel(seconds: number): string {
  const known = AGE_OPTIONS.find((option) => option.seconds === seconds);
  if (known) return known.label;
  if (seconds % 86_400 === 0) return `Older than ${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `Older than ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `Older than ${seconds / 60} min`;
  return `Older than ${seconds} s`;
}
