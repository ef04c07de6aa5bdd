import { useNow } from '#src/hooks/use-now.ts';
import { useLiveState } from '#src/lib/live-events.ts';
import { formatRelative } from '#src/lib/format-time.ts';
import { cn } from '#src/lib/cn.ts';

interface LastUpdatedProps {
  /** Milliseconds of the last fetch; 0 when nothing has arrived yet. A later live event counts too. */
  fetchedAt: number;
  failing: boolean;
}

/**
 * How fresh the list is and how it stays so: "Live" (green) while events stream in, "Polling"
 * (grey) while the stream is down; amber while the server can't be reached at all.
 */
export function LastUpdated({ fetchedAt, failing }: LastUpdatedProps) {
  const now = useNow();
  const { connected: live, lastEventAt } = useLiveState();
  const updatedAt = Math.max(fetchedAt, lastEventAt);
  const seconds = Math.max(0, Math.floor((now - updatedAt) / 1000));
  const ago = seconds < 60 ? `${seconds}s ago` : formatRelative(updatedAt, now);
  const mode = live ? 'Live' : 'Polling';
  return (
    <p
      className="inline-flex items-center gap-1.5 text-xs text-slate-500 tabular-nums"
      title={live ? 'Changes arrive as they happen.' : 'The live stream is down; the list is fetched every few seconds.'}
    >
      <span
        aria-hidden="true"
        className={cn('size-1.5 rounded-full', failing ? 'bg-amber-500' : live ? 'bg-emerald-500' : 'bg-slate-400')}
      />
      <span className={cn('font-medium', live && !failing ? 'text-emerald-700' : 'text-slate-600')}>{mode}</span>
      {updatedAt > 0 && (
        <>
          <span aria-hidden="true">·</span>
          <span title={new Date(updatedAt).toLocaleString()}>updated {ago}</span>
        </>
      )}
    </p>
  );
}
