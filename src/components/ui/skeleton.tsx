import { cn } from '#src/lib/cn.ts';

export function Skeleton({ className }: { className?: string }) {
  return <span aria-hidden="true" className={cn('block animate-pulse rounded bg-slate-200/80 motion-reduce:animate-none', className)} />;
}
