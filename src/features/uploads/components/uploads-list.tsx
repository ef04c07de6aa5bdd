import { useMemo } from 'react';
import type { UploadStatus } from '../../../../contract/uploads.ts';
import { Button } from '../../../components/ui/button.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { AlertTriangleIcon, SpinnerIcon } from '../../../components/ui/icons.tsx';
import { isServerUnavailable, isUnauthorized } from '../../../lib/api-client.ts';
import { usePendingCancelIds, withPendingCancel } from '../api/cancel-upload.ts';
import { useUploads } from '../api/get-uploads.ts';
import { CancelByIdDialog } from './cancel-by-id-dialog.tsx';
import { LastUpdated } from './last-updated.tsx';
import { ServerErrorBanner } from './server-error-banner.tsx';
import { StatusFilterTabs, totalCount } from './status-filter-tabs.tsx';
import { UploadsEmptyState } from './uploads-empty-state.tsx';
import { UploadsTable } from './uploads-table.tsx';

const count = new Intl.NumberFormat('en-US');

export function UploadsList({ status }: { status: UploadStatus | undefined }) {
  const query = useUploads({ status });
  const pendingIds = usePendingCancelIds();
  const records = useMemo(
    () => query.data?.pages.flatMap((page) => page.data).map((record) => withPendingCancel(record, pendingIds)),
    [query.data, pendingIds],
  );
  const counts = query.data?.pages[0]?.counts;
  const total = totalCount(counts, status);

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
  } else if (records.length === 0) {
    body = <UploadsEmptyState status={status} />;
  } else {
    body = <UploadsTable records={records} />;
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div>
          <h1 className="text-lg font-semibold tracking-tight text-slate-900">Uploads</h1>
          <p className="text-[13px] text-slate-500">Every upload that has gone through this proxy, newest first.</p>
        </div>
        <CancelByIdDialog />
      </div>

      <ServerErrorBanner error={shownProblem} hasData={records !== undefined} what="uploads" onRetry={() => void query.refetch()} />

      <div className="rounded-lg border border-slate-200 bg-white shadow-xs">
        <div className="flex flex-wrap items-center justify-between gap-x-4 border-b border-slate-200 px-2">
          <StatusFilterTabs active={status} counts={counts} />
          <div className="px-2 py-2">
            <LastUpdated updatedAt={query.dataUpdatedAt} failing={shownProblem !== null} />
          </div>
        </div>

        {body}

        {records !== undefined && records.length > 0 && (
          <div className="flex items-center justify-between gap-4 border-t border-slate-100 px-4 py-2.5 text-xs text-slate-500">
            <p className="tabular-nums">
              Showing {count.format(records.length)}
              {total !== undefined && total >= records.length ? ` of ${count.format(total)}` : ''}
            </p>
            {query.hasNextPage && (
              <Button size="sm" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage && <SpinnerIcon className="size-3" />}
                {query.isFetchingNextPage ? 'Loading more…' : 'Load more'}
              </Button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
