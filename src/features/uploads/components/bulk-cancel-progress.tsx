import type { BulkCancelJob } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { AlertTriangleIcon, CheckCircleIcon, SpinnerIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';
import { doneCount, progressLine, resultLine } from '#src/features/uploads/utils/bulk-wording.ts';

interface BulkCancelProgressProps {
  job: BulkCancelJob;
  /** Rows left selected for another try (failed, unknown, not found). */
  retryable: number;
  /** The result has been applied to the rows (lists refetched): until then the job reads as finishing. */
  settled: boolean;
  onDismiss: () => void;
}

/** A bulk cancel as it runs ("Cancelling… 120 of 500") and, once done, what came of it. */
export function BulkCancelProgress({ job, retryable, settled, onDismiss }: BulkCancelProgressProps) {
  const running = job.state === 'running' || !settled;
  const percent = job.total === 0 ? 100 : Math.round((doneCount(job) / job.total) * 100);
  const troubled = !running && retryable > 0;
  return (
    <div
      role="status"
      aria-label="Bulk cancel"
      className={cn(
        'flex flex-wrap items-center gap-x-4 gap-y-2 border-b px-4 py-2.5 text-[13px]',
        running ? 'border-sky-100 bg-sky-50/60' : troubled ? 'border-amber-100 bg-amber-50/60' : 'border-emerald-100 bg-emerald-50/60',
      )}
    >
      {running ? (
        <>
          <p className="flex items-center gap-2 font-medium text-sky-900 tabular-nums">
            <SpinnerIcon className="size-3.5 text-sky-600" />
            {progressLine(job)}
          </p>
          <div
            role="progressbar"
            aria-label="Bulk cancel progress"
            aria-valuemin={0}
            aria-valuemax={job.total}
            aria-valuenow={doneCount(job)}
            className="h-1.5 w-56 overflow-hidden rounded-full bg-sky-100"
          >
            <div className="h-full rounded-full bg-sky-500 transition-[width]" style={{ width: `${percent}%` }} />
          </div>
          {job.reason && <p className="min-w-0 truncate text-slate-500">Reason: {job.reason}</p>}
        </>
      ) : (
        <>
          <p className={cn('flex items-center gap-2 font-medium tabular-nums', troubled ? 'text-amber-900' : 'text-emerald-900')}>
            {troubled ? <AlertTriangleIcon className="size-4 text-amber-600" /> : <CheckCircleIcon className="size-4 text-emerald-600" />}
            <span className="sr-only">Bulk cancel finished: </span>
            <span>{resultLine(job)}</span>
          </p>
          {troubled && (
            <p className="text-amber-800">
              {retryable === 1 ? 'The upload that was not cancelled stays selected' : `The ${retryable} uploads that were not cancelled stay selected`}, each with its
              reason: Cancel again to retry.
            </p>
          )}
          <Button size="sm" variant="ghost" className="ml-auto" onClick={onDismiss}>
            Dismiss
          </Button>
        </>
      )}
    </div>
  );
}
