// The chart's place on the page while its code (a lazy chunk) or its first answer is on the way,
// so the list does not jump down when it arrives. In the first screen's bundle: keep it tiny.
import { Skeleton } from '#src/components/ui/skeleton.tsx';

/** The plot's height in px (bars and the room above them for the stuck marker), shared with the chart. */
export const CHART_PLOT_HEIGHT = 64;
export const CHART_MARK_ROOM = 9;

const HEIGHTS = [30, 45, 25, 60, 40, 70, 35, 50, 80, 45, 30, 55, 65, 40, 20, 50, 75, 45, 35, 60, 30, 50, 40, 25];

/** Bars of the skeleton, as tall as the plot and its time labels. */
export function ChartBarsSkeleton() {
  return (
    <div aria-hidden="true" className="flex items-end gap-1 pr-6 pb-[18px]" style={{ height: CHART_PLOT_HEIGHT + CHART_MARK_ROOM + 18 }}>
      {HEIGHTS.map((height, i) => (
        <span key={i} className="flex-1" style={{ height: `${height}%` }}>
          <Skeleton className="h-full" />
        </span>
      ))}
    </div>
  );
}

export function ActivityChartPlaceholder() {
  return (
    <div aria-hidden="true" className="rounded-lg border border-slate-200 bg-white px-4 pt-2.5 pb-2 shadow-xs">
      <div className="flex h-7 items-center justify-between">
        <Skeleton className="h-3.5 w-40" />
        <Skeleton className="h-7 w-28" />
      </div>
      <Skeleton className="mt-1.5 mb-1 h-3 w-72 max-w-full" />
      <ChartBarsSkeleton />
    </div>
  );
}
