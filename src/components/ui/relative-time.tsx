import { useNow } from '#src/hooks/use-now.ts';
import { formatExact, formatRelative } from '#src/lib/format-time.ts';

interface RelativeTimeProps {
  /** Unix seconds. */
  at: number;
  prefix?: string;
  /**
   * 'past' for things that have happened: a server clock a little ahead of the browser's would
   * otherwise read "in 2 min" for something that just happened.
   */
  tense?: 'past' | 'any';
  className?: string;
}

/** "42 min ago", kept current, with the exact local time on hover and in the markup. */
export function RelativeTime({ at, prefix, tense = 'any', className }: RelativeTimeProps) {
  const now = useNow();
  const exact = formatExact(at);
  return (
    <time dateTime={new Date(at * 1000).toISOString()} title={exact} className={className}>
      {prefix ? `${prefix} ` : ''}
      {formatRelative(tense === 'past' ? Math.min(at * 1000, now) : at * 1000, now)}
    </time>
  );
}
