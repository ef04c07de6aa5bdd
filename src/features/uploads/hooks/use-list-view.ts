import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { SortField } from '#contract/dashboard-api.ts';
import type { UploadListFilters, UploadListView } from '#src/features/uploads/api/upload-keys.ts';
import { FIRST_ORDER, filtersOf, listSearchFor, parseListSearch, type ParsedListView } from '#src/features/uploads/utils/list-search-params.ts';

export interface ViewChangeOptions {
  /** Replace the history entry instead of pushing one (typing in the search box). */
  replace?: boolean;
}

export interface ListView {
  view: ParsedListView;
  filters: UploadListFilters;
  setView: (patch: Partial<UploadListView>, options?: ViewChangeOptions) => void;
  clearFilters: () => void;
  /** A header's click: that field, in its natural order first, then the other way round. */
  sortBy: (field: SortField) => void;
}

/** The list's view (tab, filters, sort) lives in the URL: a link shows the same list, and Back undoes a change. */
export function useListView(): ListView {
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => parseListSearch(searchParams), [searchParams]);
  const filters = useMemo(() => filtersOf(view), [view]);
  const setView = useCallback(
    (patch: Partial<UploadListView>, { replace = false }: ViewChangeOptions = {}) => {
      setSearchParams(listSearchFor({ ...view, ...patch }), { replace });
    },
    [view, setSearchParams],
  );
  const clearFilters = useCallback(
    () => setView({ purpose: undefined, q: undefined, older_than: undefined, created_after: undefined, created_before: undefined, client: undefined }),
    [setView],
  );
  const sortBy = useCallback(
    (field: SortField) =>
      setView(field === view.sort ? { order: view.order === 'asc' ? 'desc' : 'asc' } : { sort: field, order: FIRST_ORDER[field] }),
    [view, setView],
  );
  return { view, filters, setView, clearFilters, sortBy };
}
