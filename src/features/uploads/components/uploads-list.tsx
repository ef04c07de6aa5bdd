import { useCallback, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { BulkCancelPreview, SortField, UploadRecord } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { EmptyState } from '#src/components/ui/empty-state.tsx';
import { AlertTriangleIcon, SpinnerIcon } from '#src/components/ui/icons.tsx';
import { isServerUnavailable, isUnauthorized } from '#src/lib/api-client.ts';
import { useLiveConnected } from '#src/lib/live-events.ts';
import { UPLOADS_LIVE_REFRESH_MS, UPLOADS_REFRESH_MS, useUploads } from '#src/features/uploads/api/get-uploads.ts';
import { usePendingCancelIds, withPendingCancel } from '#src/features/uploads/api/pending-cancels.ts';
import { useMatching } from '#src/features/uploads/api/preview-bulk-cancel.ts';
import { uploadKeys, type UploadListView } from '#src/features/uploads/api/upload-keys.ts';
import { useBulkCancelFollower } from '#src/features/uploads/hooks/use-bulk-cancel-follower.ts';
import { useCancelWithUndo } from '#src/features/uploads/hooks/use-cancel-with-undo.ts';
import { useListShortcuts } from '#src/features/uploads/hooks/use-list-shortcuts.ts';
import { useUploadSelection } from '#src/features/uploads/hooks/use-upload-selection.ts';
import { FIRST_ORDER, filterForRequest, filtersOf, hasNarrowingFilters, listSearchFor, parseListSearch } from '#src/features/uploads/utils/list-search-params.ts';
import { headerCheckState, isSelectable } from '#src/features/uploads/utils/selection.ts';
import { BulkCancelDialog, type BulkCancelTarget } from './bulk-cancel-dialog.tsx';
import { BulkCancelProgress } from './bulk-cancel-progress.tsx';
import { CancelByIdDialog } from './cancel-by-id-dialog.tsx';
import { KeyboardShortcuts } from './keyboard-shortcuts.tsx';
import { LastUpdated } from './last-updated.tsx';
import { useOperatorAccess } from './operator-access.tsx';
import { SelectionBar } from './selection-bar.tsx';
import { ServerErrorBanner } from './server-error-banner.tsx';
import { StatusFilterTabs, totalCount } from './status-filter-tabs.tsx';
import { UploadsEmptyState } from './uploads-empty-state.tsx';
import { UploadsTable } from './uploads-table.tsx';
import { UploadsTableContext, type UploadsTableState } from './uploads-table-context.tsx';
import { UploadsToolbar, type ViewChangeOptions } from './uploads-toolbar.tsx';

const number = new Intl.NumberFormat('en-US');
const noRecords: UploadRecord[] = [];

/** The uploads page: find (tabs, filters, sort in the URL), look (a virtualized table), act (cancel one or many). */
export function UploadsList() {
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => parseListSearch(searchParams), [searchParams]);
  const filters = useMemo(() => filtersOf(view), [view]);
  const { readOnly } = useOperatorAccess();
  const live = useLiveConnected();

  const query = useUploads(view, { refetchInterval: live ? UPLOADS_LIVE_REFRESH_MS : UPLOADS_REFRESH_MS });
  const pendingIds = usePendingCancelIds();
  const records = useMemo(
    () => query.data?.pages.flatMap((page) => page.data).map((record) => withPendingCancel(record, pendingIds)),
    [query.data, pendingIds],
  );
  const loaded = records ?? noRecords;
  const counts = query.data?.pages[0]?.counts;
  const narrowing = hasNarrowingFilters(view);

  // A selection belongs to the filter it was made under; another filter starts afresh.
  const scope = useMemo(() => JSON.stringify(uploadKeys.matching(filters)), [filters]);
  const selection = useUploadSelection(scope, loaded, pendingIds);
  const selecting = !readOnly && (selection.ids.size > 0 || selection.allMatching);
  const matching = useMatching(filters, { enabled: narrowing || selecting });
  const matchCount = matching.data ? matching.data.cancellable + matching.data.skipped : undefined;
  const total = narrowing ? matchCount : totalCount(counts, view);

  const setView = useCallback(
    (patch: Partial<UploadListView>, { replace = false }: ViewChangeOptions = {}) => {
      setSearchParams(listSearchFor({ ...view, ...patch }), { replace });
    },
    [view, setSearchParams],
  );
  const clearFilters = () => setView({ purpose: undefined, q: undefined, older_than: undefined });
  const sortBy = (field: SortField) =>
    setView(field === view.sort ? { order: view.order === 'asc' ? 'desc' : 'asc' } : { sort: field, order: FIRST_ORDER[field] });

  const cancelWithUndo = useCancelWithUndo();
  const follower = useBulkCancelFollower({ onFinished: (retry) => selection.add(retry.map((item) => item.upload_id)) });
  const [confirm, setConfirm] = useState<BulkCancelTarget | null>(null);
  // The row j/k are on. A click also moves it (so j continues from there) without drawing the ring.
  const [active, setActive] = useState<{ id: string; byKeyboard: boolean } | null>(null);
  const activeIndex = active === null ? -1 : loaded.findIndex((record) => record.upload.id === active.id);
  const [helpOpen, setHelpOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  const cancelRow = (record: UploadRecord) => {
    setActive({ id: record.upload.id, byKeyboard: false });
    cancelWithUndo(record);
  };

  const openConfirm = () => {
    const selectable = (record: UploadRecord) => isSelectable(record, pendingIds);
    if (selection.allMatching) {
      const fallback: BulkCancelPreview = matching.data
        ? { ...matching.data, unknown: 0 }
        : { cancellable: loaded.filter(selectable).length, skipped: 0, unknown: 0 };
      setConfirm({
        request: { filter: filterForRequest(filters) },
        scope: 'matching',
        affectedIds: loaded.filter(selectable).map((record) => record.upload.id),
        fallback,
      });
      return;
    }
    const ids = [...selection.ids];
    const byId = new Map(loaded.map((record) => [record.upload.id, record]));
    const affectedIds = ids.filter((id) => {
      const record = byId.get(id);
      return record !== undefined && selectable(record);
    });
    const known = ids.filter((id) => byId.has(id)).length;
    setConfirm({
      request: { ids },
      scope: 'selected',
      affectedIds,
      fallback: { cancellable: affectedIds.length, skipped: known - affectedIds.length, unknown: ids.length - known },
    });
  };

  const fetchNextPage = query.fetchNextPage;
  const canLoadMore = query.hasNextPage && !query.isFetchingNextPage && !query.isError;
  const loadMore = useCallback(() => {
    if (canLoadMore) void fetchNextPage();
  }, [canLoadMore, fetchNextPage]);

  const move = (delta: number) => {
    if (loaded.length === 0) return false;
    const next = activeIndex === -1 ? 0 : Math.min(loaded.length - 1, Math.max(0, activeIndex + delta));
    setActive({ id: loaded[next]!.upload.id, byKeyboard: true });
    return true;
  };
  const activeRecord = activeIndex === -1 ? undefined : loaded[activeIndex];

  useListShortcuts({
    search: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
      return true;
    },
    next: () => move(1),
    previous: () => move(-1),
    toggleSelected: () => {
      if (readOnly || !activeRecord) return false;
      const id = activeRecord.upload.id;
      const on = !selection.ids.has(id);
      if (!on || isSelectable(activeRecord, pendingIds)) selection.toggle(id, on, false);
      return true;
    },
    cancel: () => {
      if (readOnly || !activeRecord) return false;
      if (activeRecord.status === 'pending' && !pendingIds.has(activeRecord.upload.id)) cancelWithUndo(activeRecord);
      return true;
    },
    escape: () => {
      if (helpOpen) {
        setHelpOpen(false);
        return true;
      }
      if (selection.ids.size > 0 || selection.allMatching) {
        selection.clear();
        return true;
      }
      return false;
    },
    help: () => {
      setHelpOpen((open) => !open);
      return true;
    },
  });

  const tableState: UploadsTableState = {
    readOnly,
    cancellingIds: pendingIds,
    selected: selection.ids,
    headerCheck: headerCheckState(selection.ids, loaded, pendingIds),
    selectableCount: loaded.filter((record) => isSelectable(record, pendingIds)).length,
    onToggle: (id, checked, shift) => {
      setActive({ id, byKeyboard: false });
      selection.toggle(id, checked, shift);
    },
    onToggleAll: selection.toggleAll,
    onCancel: cancelRow,
    failures: follower.failures,
    sort: view.sort,
    order: view.order,
    onSort: sortBy,
  };

  // failureReason is set from the first failed attempt, while the query is still retrying.
  const problem = query.failureReason ?? (query.isError ? query.error : null);
  const shownProblem = isUnauthorized(problem) ? null : problem;

  let body;
  if (records === undefined) {
    body =
      query.isError && !isServerUnavailable(query.error) ? (
        <EmptyState icon={<AlertTriangleIcon className="size-5" />} title="Uploads couldn't be loaded">
          {query.error.message}
        </EmptyState>
      ) : (
        <UploadsTable records={undefined} loading />
      );
  } else if (records.length === 0 && !query.isPlaceholderData) {
    body = <UploadsEmptyState view={view} onClearFilters={clearFilters} />;
  } else {
    body = (
      <UploadsTable
        records={records}
        activeIndex={activeIndex === -1 ? null : activeIndex}
        showActive={active?.byKeyboard === true}
        onNearEnd={loadMore}
        stale={query.isPlaceholderData}
        rowCount={total === undefined ? -1 : total + 1}
      />
    );
  }

  const results = narrowing ? (
    <p className="text-xs text-slate-500 tabular-nums" aria-live="polite">
      {matchCount === undefined ? 'Counting…' : `${number.format(matchCount)} ${matchCount === 1 ? 'result' : 'results'}`}
    </p>
  ) : null;

  const bulkCount = selection.allMatching ? (matching.data?.cancellable ?? 0) : selection.ids.size;

  const footer =
    records === undefined || records.length === 0 ? null : (
      <>
        <p className="mr-auto tabular-nums">
          Showing {number.format(records.length)}
          {total !== undefined && total > records.length ? ` of ${number.format(total)}` : ''}
        </p>
        {query.hasNextPage && (
          <Button size="sm" onClick={loadMore} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage && <SpinnerIcon className="size-3" />}
            {query.isFetchingNextPage ? 'Loading more…' : 'Load more'}
          </Button>
        )}
      </>
    );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div>
          <div className="flex items-center gap-2.5">
            <h1 className="text-lg font-semibold tracking-tight text-slate-900">Uploads</h1>
          </div>
          <p className="text-[13px] text-slate-500">Every upload that has gone through this proxy.</p>
        </div>
        <CancelByIdDialog />
      </div>

      <ServerErrorBanner error={shownProblem} hasData={records !== undefined} what="uploads" onRetry={() => void query.refetch()} />

      <div className="rounded-lg border border-slate-200 bg-white shadow-xs">
        <div className="flex flex-wrap items-center justify-between gap-x-4 border-b border-slate-200 px-2">
          <StatusFilterTabs view={view} counts={counts} />
          <div className="px-2 py-2">
            <LastUpdated fetchedAt={query.dataUpdatedAt} failing={shownProblem !== null} />
          </div>
        </div>

        <UploadsToolbar
          view={view}
          onChange={setView}
          onClearFilters={clearFilters}
          searchRef={searchRef}
          results={results}
          trailing={<KeyboardShortcuts open={helpOpen} onOpenChange={setHelpOpen} readOnly={readOnly} />}
        />

        {follower.job && (
          <BulkCancelProgress job={follower.job} retryable={follower.failures.size} settled={follower.settled} onDismiss={follower.dismiss} />
        )}

        <UploadsTableContext value={tableState}>{body}</UploadsTableContext>

        {selecting ? (
          <SelectionBar
            count={bulkCount}
            allMatching={selection.allMatching}
            matching={matching.data?.cancellable}
            onSelectAllMatching={selection.selectAllMatching}
            onCancel={openConfirm}
            onClear={selection.clear}
            cancelBlocked={follower.busy ? 'Wait for the running bulk cancel to finish' : null}
            trailing={footer}
          />
        ) : (
          records !== undefined &&
          records.length > 0 && (
            <div className="flex items-center justify-end gap-4 border-t border-slate-100 px-4 py-2.5 text-xs text-slate-500">{footer}</div>
          )
        )}
      </div>

      <BulkCancelDialog
        target={confirm}
        onClose={() => setConfirm(null)}
        onStarted={(job) => {
          setConfirm(null);
          selection.clear();
          follower.follow(job);
        }}
      />
    </div>
  );
}
