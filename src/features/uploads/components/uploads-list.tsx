import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { isUnauthorized } from '#src/lib/api-client.ts';
import { whenIdle } from '#src/lib/deferred-component.tsx';
import { useLiveConnected } from '#src/lib/live-events.ts';
import { useOperatorAccess } from '#src/lib/operator-access.tsx';
import { UPLOADS_LIVE_REFRESH_MS, UPLOADS_REFRESH_MS, useUploads } from '#src/features/uploads/api/get-uploads.ts';
import { useMatching } from '#src/features/uploads/api/preview-bulk-cancel.ts';
import { uploadKeys } from '#src/features/uploads/api/upload-keys.ts';
import { useActiveRow } from '#src/features/uploads/hooks/use-active-row.ts';
import { useBulkCancelFollower } from '#src/features/uploads/hooks/use-bulk-cancel-follower.ts';
import { useCancelWithUndo } from '#src/features/uploads/hooks/use-cancel-with-undo.ts';
import { useListShortcuts } from '#src/features/uploads/hooks/use-list-shortcuts.ts';
import { useListView } from '#src/features/uploads/hooks/use-list-view.ts';
import { useUploadSelection } from '#src/features/uploads/hooks/use-upload-selection.ts';
import { useCancellingIds, withPendingCancel } from '#src/features/uploads/stores/pending-cancels.ts';
import { filterForRequest, hasNarrowingFilters } from '#src/features/uploads/utils/list-search-params.ts';
import { bulkTargetFor, headerCheckState, isSelectable, type BulkCancelTarget } from '#src/features/uploads/utils/selection.ts';
import { ActivityChartPlaceholder } from './activity-chart-placeholder.tsx';
import { CancelByIdAction } from './cancel-by-id-action.tsx';
import { KeyboardShortcuts } from './keyboard-shortcuts.tsx';
import { HistoryWindow } from './history-window.tsx';
import { LastUpdated } from './last-updated.tsx';
import { ServerErrorBanner } from './server-error-banner.tsx';
import { StatusFilterTabs, totalCount } from './status-filter-tabs.tsx';
import { UploadsListBody } from './uploads-list-body.tsx';
import { UploadsTableContext, type UploadsTableState } from './uploads-table-context.tsx';
import { UploadsToolbar } from './uploads-toolbar.tsx';
import {
  DeferredBulkCancelDialog,
  DeferredBulkCancelProgress,
  DeferredLiveAnnouncer,
  DeferredSelectionBar,
  preloadListParts,
} from './uploads-list-later.ts';

/** Its own chunk, fetched once the first rows are on screen: the first screen's JS does not carry it. */
const ActivityChart = lazy(() => import('./activity-chart.tsx'));

const number = new Intl.NumberFormat('en-US');
const preloadParts = () => void preloadListParts();
const noRecords: UploadRecord[] = [];

/**
 * The uploads page: find (tabs, filters, sort in the URL), look (a virtualized table), act
 * (cancel one or many). This component wires the parts together; each concern has its own hook.
 */
export function UploadsList() {
  const { view, filters, setView, clearFilters, sortBy } = useListView();
  const { readOnly } = useOperatorAccess();
  const live = useLiveConnected();

  const query = useUploads(view, { refetchInterval: live ? UPLOADS_LIVE_REFRESH_MS : UPLOADS_REFRESH_MS });
  const cancellingIds = useCancellingIds();
  const fetched = useMemo(() => query.data?.pages.flatMap((page) => page.data), [query.data]);
  const records = useMemo(() => fetched?.map((record) => withPendingCancel(record, cancellingIds)), [fetched, cancellingIds]);
  const loaded = records ?? noRecords;
  const counts = query.data?.pages[0]?.counts;
  const narrowing = hasNarrowingFilters(view);

  // A selection belongs to the filter it was made under; another filter starts afresh.
  const scope = useMemo(() => JSON.stringify(uploadKeys.matching(filters)), [filters]);
  const selection = useUploadSelection(scope, loaded, cancellingIds);
  const selecting = !readOnly && (selection.ids.size > 0 || selection.allMatching);
  const matching = useMatching(filters, { enabled: narrowing || selecting });
  const matchCount = matching.data ? matching.data.cancellable + matching.data.skipped : undefined;
  const total = narrowing ? matchCount : totalCount(counts, view);

  const cancelWithUndo = useCancelWithUndo();
  const follower = useBulkCancelFollower({ onFinished: (retry) => selection.add(retry.map((item) => item.upload_id)) });
  const [confirm, setConfirm] = useState<BulkCancelTarget | null>(null);
  const active = useActiveRow(loaded);
  const [helpOpen, setHelpOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  // Once the first rows are on screen, the code for what comes after them.
  const painted = records !== undefined;
  useEffect(() => (painted ? whenIdle(preloadParts) : undefined), [painted]);

  const fetchNextPage = query.fetchNextPage;
  const canLoadMore = query.hasNextPage && !query.isFetchingNextPage && !query.isError;
  const loadMore = useCallback(() => {
    if (canLoadMore) void fetchNextPage();
  }, [canLoadMore, fetchNextPage]);

  const openConfirm = () =>
    setConfirm(bulkTargetFor(selection, loaded, { filter: filterForRequest(filters), preview: matching.data }));

  useListShortcuts({
    search: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
      return true;
    },
    next: () => active.move(1),
    previous: () => active.move(-1),
    toggleSelected: () => {
      if (readOnly || !active.record) return false;
      const id = active.record.upload.id;
      const on = !selection.ids.has(id);
      if (!on || isSelectable(active.record, cancellingIds)) selection.toggle(id, on, false);
      return true;
    },
    cancel: () => {
      if (readOnly || !active.record) return false;
      if (isSelectable(active.record, cancellingIds)) cancelWithUndo(active.record);
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

  const { point } = active;
  const tableState = useMemo<UploadsTableState>(
    () => ({
      readOnly,
      cancellingIds,
      selected: selection.ids,
      headerCheck: headerCheckState(selection.ids, loaded, cancellingIds),
      selectableCount: loaded.filter((record) => isSelectable(record, cancellingIds)).length,
      onToggle: (id, checked, shift) => {
        point(id);
        selection.toggle(id, checked, shift);
      },
      onToggleAll: selection.toggleAll,
      onCancel: (record) => {
        point(record.upload.id);
        cancelWithUndo(record);
      },
      failures: follower.failures,
      sort: view.sort,
      order: view.order,
      onSort: sortBy,
    }),
    [readOnly, cancellingIds, selection, loaded, point, cancelWithUndo, follower.failures, view.sort, view.order, sortBy],
  );

  // failureReason is set from the first failed attempt, while the query is still retrying.
  const problem = query.failureReason ?? (query.isError ? query.error : null);
  const shownProblem = isUnauthorized(problem) ? null : problem;

  const results = narrowing ? (
    <p className="text-xs text-slate-500 tabular-nums" aria-live="polite">
      {matchCount === undefined ? 'Counting…' : `${number.format(matchCount)} ${matchCount === 1 ? 'result' : 'results'}`}
    </p>
  ) : null;

  const footer =
    loaded.length === 0 ? null : (
      <>
        <p className="mr-auto tabular-nums">
          Showing {number.format(loaded.length)}
          {total !== undefined && total > loaded.length ? ` of ${number.format(total)}` : ''}
        </p>
        {query.hasNextPage && (
          <Button size="sm" onClick={loadMore} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage && <SpinnerIcon className="size-3" />}
            {query.isFetchingNextPage ? 'Loading more…' : 'Load more'}
          </Button>
        )}
      </>
    );

  const footerBar = footer && <div className="flex items-center justify-end gap-4 border-t border-slate-100 px-4 py-2.5 text-xs text-slate-500">{footer}</div>;

  return (
    // A pointer over the page, or focus in it, is intent: the parts behind its buttons load now if
    // they have not yet (each is fetched once).
    <div className="space-y-4" onPointerOver={preloadParts} onFocus={preloadParts}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div>
          <div className="flex items-center gap-2.5">
            <h1 className="text-lg font-semibold tracking-tight text-slate-900">Uploads</h1>
          </div>
          <p className="text-[13px] text-slate-500">
            Every upload that has gone through this proxy. <HistoryWindow />
          </p>
        </div>
        <CancelByIdAction />
      </div>

      <DeferredLiveAnnouncer records={fetched} scope={scope} cancellingIds={cancellingIds} />

      <ServerErrorBanner error={shownProblem} hasData={records !== undefined} what="uploads" onRetry={() => void query.refetch()} />

      {query.data === undefined
        ? query.isPending && !shownProblem && <ActivityChartPlaceholder />
        : (totalCount(counts) ?? 0) > 0 && (
            <Suspense fallback={<ActivityChartPlaceholder />}>
              <ActivityChart
                createdAfter={view.created_after}
                createdBefore={view.created_before}
                onSelect={(span) => setView({ created_after: span?.start, created_before: span?.end })}
              />
            </Suspense>
          )}

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
          <DeferredBulkCancelProgress job={follower.job} retryable={follower.failures.size} settled={follower.settled} onDismiss={follower.dismiss} />
        )}

        <UploadsTableContext value={tableState}>
          <UploadsListBody
            records={records}
            error={query.isError ? query.error : null}
            stale={query.isPlaceholderData}
            view={view}
            onClearFilters={clearFilters}
            activeIndex={active.index}
            showActive={active.byKeyboard}
            onNearEnd={loadMore}
            total={total}
          />
        </UploadsTableContext>

        {selecting ? (
          <DeferredSelectionBar
            count={selection.allMatching ? (matching.data?.cancellable ?? 0) : selection.ids.size}
            allMatching={selection.allMatching}
            matching={matching.data?.cancellable}
            onSelectAllMatching={selection.selectAllMatching}
            onCancel={openConfirm}
            onClear={selection.clear}
            cancelBlocked={follower.busy ? 'Wait for the running bulk cancel to finish' : null}
            trailing={footer}
            fallback={footerBar}
          />
        ) : (
          footerBar
        )}
      </div>

      <DeferredBulkCancelDialog
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
