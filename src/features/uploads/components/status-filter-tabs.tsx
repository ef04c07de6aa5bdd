import { Link } from 'react-router-dom';
import type { UploadList } from '#contract/dashboard-api.ts';
import { UPLOAD_STATUSES, type UploadStatus } from '#contract/constants.ts';
import { AlertTriangleIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';
import { useOperatorAccess } from '#src/lib/operator-access.tsx';
import type { UploadListView } from '#src/features/uploads/api/upload-keys.ts';
import { listHrefFor } from '#src/features/uploads/utils/list-search-params.ts';

const LABELS: Record<UploadStatus, string> = {
  pending: 'Pending',
  completed: 'Completed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

const count = new Intl.NumberFormat('en-US');

/** Uploads in a tab: one status, every status, or the stuck ones. */
export function totalCount(counts: UploadList['counts'] | undefined, view: Pick<UploadListView, 'status' | 'stuck'> = {}): number | undefined {
  if (!counts) return undefined;
  if (view.stuck) return counts.stuck ?? 0;
  if (view.status) return counts[view.status] ?? 0;
  return UPLOAD_STATUSES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

interface StatusFilterTabsProps {
  view: UploadListView;
  counts: UploadList['counts'] | undefined;
}

const tabClass = (current: boolean) =>
  cn(
    'inline-flex items-center gap-1.5 border-b-2 px-3 py-2 text-[13px] font-medium whitespace-nowrap transition-colors',
    'focus-visible:rounded-t-sm focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-600',
    current ? 'border-slate-900 text-slate-900' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800',
  );

/**
 * Links rather than ARIA tabs: each view is its own URL, so it survives reloads and can be
 * shared. Switching tabs keeps the search, purpose, age and sort.
 */
export function StatusFilterTabs({ view, counts }: StatusFilterTabsProps) {
  const { stuckAfterMinutes } = useOperatorAccess();
  const tabs: Array<{ status: UploadStatus | undefined; label: string }> = [
    { status: undefined, label: 'All' },
    ...UPLOAD_STATUSES.map((status) => ({ status, label: LABELS[status] })),
  ];
  const stuck = totalCount(counts, { stuck: true });
  return (
    <nav aria-label="Filter uploads by status" className="-mb-px flex gap-1 overflow-x-auto">
      {tabs.map(({ status, label }) => {
        const current = !view.stuck && status === view.status;
        const n = totalCount(counts, { status });
        return (
          <Link key={label} to={listHrefFor({ ...view, stuck: undefined, status })} aria-current={current ? 'page' : undefined} className={tabClass(current)}>
            {label}
            <span
              className={cn(
                'min-w-5 rounded-full px-1.5 py-px text-center text-[11px] tabular-nums',
                current ? 'bg-slate-900 text-white' : 'bg-slate-100 text-slate-600',
              )}
            >
              {n === undefined ? '–' : count.format(n)}
            </span>
          </Link>
        );
      })}
      <span aria-hidden="true" className="mx-1 my-2 w-px bg-slate-200" />
      <Link
        to={listHrefFor({ ...view, status: undefined, stuck: true })}
        aria-current={view.stuck ? 'page' : undefined}
        title={`Pending uploads with no part for ${stuckAfterMinutes} min, or too slow to finish before they expire`}
        className={tabClass(view.stuck === true)}
      >
        <AlertTriangleIcon className={cn('size-3.5', stuck ? 'text-amber-600' : 'text-slate-400')} />
        Stuck
        <span
          className={cn(
            'min-w-5 rounded-full px-1.5 py-px text-center text-[11px] tabular-nums',
            view.stuck ? 'bg-amber-600 text-white' : stuck ? 'bg-amber-100 text-amber-900' : 'bg-slate-100 text-slate-600',
          )}
        >
          {stuck === undefined ? '–' : count.format(stuck)}
        </span>
      </Link>
    </nav>
  );
}
