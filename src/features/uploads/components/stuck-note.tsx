import type { Stuck } from '#contract/dashboard-api.ts';
import { AlertTriangleIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';

/** Why a pending upload looks stuck, in the server's words, e.g. "No part received 23 min ago". */
export function StuckNote({ stuck, className }: { stuck: Stuck; className?: string }) {
  return (
    <p className={cn('mt-1 flex items-start gap-1 text-[11px] leading-4 font-medium text-amber-800', className)}>
      <AlertTriangleIcon className="mt-px size-3 shrink-0 text-amber-600" />
      <span>
        <span className="sr-only">Stuck: </span>
        {stuck.message}
      </span>
    </p>
  );
}
