import { useNow } from '../../../hooks/use-now.ts';
import { formatRelative } from '../../../lib/format-time.ts';
import { cn } from '../../../lib/cn.ts';

interface LastUpdatedProps {
  /** Milliseconds; 0 when nothing has arrived yet. */
  updatedAt: number;
  failing: boolean;
}

/** How fresh the list is; the dot turns amber while the server can't be reached. */
export function LastUpdated({ updatedAt, failing }: LastUpdatedProps) {
  const now = useNow();
  if (updatedAt === 0) return null;
  const seconds = Math.max(0, Math.floor((now - updatedAt) / 1000));
  const ago = seconds < 60 ? `${seconds}s ago` : formatRelative(updatedAt, now);
  return (
    <p className="inline-flex items-center gap-1.5 text-xs text-slate-500 tabular-nums" title={new Date(updatedAt).toLocaleString()}>
      <span aria-hidden="true" className={cn('size-1.5 rounded-full', failing ? 'bg-amber-500' : 'bg-emerald-500')} />
      Last updated {ago}
    </p>
  );
}
