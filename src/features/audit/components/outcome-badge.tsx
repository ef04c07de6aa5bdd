import type { ComponentType, SVGProps } from 'react';
import type { CancelOutcome } from '#contract/dashboard-api.ts';
import { AlertTriangleIcon, BanIcon, CheckCircleIcon, CheckIcon, FileSearchIcon, HourglassIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';
import { OUTCOME_HINTS, OUTCOME_LABELS } from '#src/features/audit/utils/audit-wording.ts';

const STYLES: Record<CancelOutcome, { className: string; Icon: ComponentType<SVGProps<SVGSVGElement>> }> = {
  cancelled: { className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/25', Icon: CheckCircleIcon },
  already_finished: { className: 'bg-slate-100 text-slate-700 ring-slate-500/25', Icon: CheckIcon },
  not_found: { className: 'bg-amber-50 text-amber-800 ring-amber-600/30', Icon: FileSearchIcon },
  failed: { className: 'bg-rose-50 text-rose-800 ring-rose-600/25', Icon: AlertTriangleIcon },
  unknown: { className: 'bg-violet-50 text-violet-800 ring-violet-600/25', Icon: HourglassIcon },
  skipped: { className: 'bg-white text-slate-600 ring-slate-400/40', Icon: BanIcon },
};

/** Colour, icon and word, like the status badge: readable without colour vision. */
export function OutcomeBadge({ outcome }: { outcome: CancelOutcome }) {
  const { className, Icon } = STYLES[outcome];
  return (
    <span
      data-outcome={outcome}
      title={OUTCOME_HINTS[outcome]}
      className={cn('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', className)}
    >
      <Icon className="size-3.5 shrink-0" />
      {OUTCOME_LABELS[outcome]}
    </span>
  );
}
