import { Link } from 'react-router-dom';
import type { UploadList } from '../../../../contract/dashboard-api.ts';
import { UPLOAD_STATUSES, type UploadStatus } from '../../../../contract/uploads.ts';
import { paths } from '../../../config/paths.ts';
import { cn } from '../../../lib/cn.ts';

const LABELS: Record<UploadStatus, string> = {
  pending: 'Pending',
  completed: 'Completed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

const count = new Intl.NumberFormat('en-US');

export function totalCount(counts: UploadList['counts'] | undefined, status?: UploadStatus): number | undefined {
  if (!counts) return undefined;
  if (status) return counts[status] ?? 0;
  return UPLOAD_STATUSES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

interface StatusFilterTabsProps {
  active: UploadStatus | undefined;
  counts: UploadList['counts'] | undefined;
}

/** Links rather than ARIA tabs: each filter is its own URL, so it survives reloads and can be shared. */
export function StatusFilterTabs({ active, counts }: StatusFilterTabsProps) {
  const tabs: Array<{ status: UploadStatus | undefined; label: string }> = [
    { status: undefined, label: 'All' },
    ...UPLOAD_STATUSES.map((status) => ({ status, label: LABELS[status] })),
  ];
  return (
    <nav aria-label="Filter uploads by status" className="-mb-px flex gap-1 overflow-x-auto">
      {tabs.map(({ status, label }) => {
        const current = status === active;
        const n = totalCount(counts, status);
        return (
          <Link
            key={label}
            to={paths.uploads.getHref(status)}
            aria-current={current ? 'page' : undefined}
            className={cn(
              'inline-flex items-center gap-1.5 border-b-2 px-3 py-2 text-[13px] font-medium whitespace-nowrap transition-colors',
              'focus-visible:rounded-t-sm focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-600',
              current ? 'border-slate-900 text-slate-900' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800',
            )}
          >
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
    </nav>
  );
}
