import type { ComponentType, SVGProps } from 'react';
import type { UploadStatus } from '#contract/uploads.ts';
import { BanIcon, CheckCircleIcon, ClockIcon, HourglassIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';

const STYLES: Record<UploadStatus, { className: string; Icon: ComponentType<SVGProps<SVGSVGElement>> }> = {
  pending: { className: 'bg-sky-50 text-sky-800 ring-sky-600/25', Icon: ClockIcon },
  completed: { className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/25', Icon: CheckCircleIcon },
  cancelled: { className: 'bg-slate-100 text-slate-700 ring-slate-500/25', Icon: BanIcon },
  expired: { className: 'bg-amber-50 text-amber-800 ring-amber-600/30', Icon: HourglassIcon },
};

/** Colour, icon and word: each status stays readable without colour vision. */
export function StatusBadge({ status, className }: { status: UploadStatus; className?: string }) {
  const { className: tone, Icon } = STYLES[status];
  return (
    <span
      data-status={status}
      className={cn('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tone, className)}
    >
      <Icon className="size-3.5 shrink-0" />
      {status}
    </span>
  );
}
