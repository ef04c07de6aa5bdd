import { useNow } from '../../hooks/use-now.ts';
import { formatExact, formatRelative } from '../../lib/format-time.ts';

interface RelativeTimeProps {
  /** Unix seconds. */
  at: number;
  prefix?: string;
  className?: string;
}

/** "42 min ago", kept current, with the exact local time on hover and in the markup. */
export function RelativeTime({ at, prefix, className }: RelativeTimeProps) {
  const now = useNow();
  const exact = formatExact(at);
  return (
    <time dateTime={new Date(at * 1000).toISOString()} title={exact} className={className}>
      {prefix ? `${prefix} ` : ''}
      {formatRelative(at * 1000, now)}
    </time>
  );
}
