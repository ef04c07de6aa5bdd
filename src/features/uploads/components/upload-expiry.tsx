import type { UploadRecord } from '#contract/dashboard-api.ts';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { useNow } from '#src/hooks/use-now.ts';
import { formatCountdown, formatExact } from '#src/lib/format-time.ts';
import { cn } from '#src/lib/cn.ts';

/** Under five minutes left, the countdown asks for attention. */
const URGENT_SECONDS = 5 * 60;

function Countdown({ expiresAt }: { expiresAt: number }) {
  const now = useNow();
  const remaining = expiresAt - now / 1000;
  const exact = `Expires ${formatExact(expiresAt)}`;
  if (remaining <= 0) {
    return (
      <span title={exact} className="font-medium text-amber-700">
        expiring now
      </span>
    );
  }
  return (
    <time
      dateTime={new Date(expiresAt * 1000).toISOString()}
      title={exact}
      className={cn('tabular-nums', remaining < URGENT_SECONDS && 'font-medium text-amber-700')}
    >
      expires in {formatCountdown(remaining)}
    </time>
  );
}

export function UploadExpiry({ record }: { record: UploadRecord }) {
  if (record.status === 'pending') return <Countdown expiresAt={record.upload.expires_at} />;
  if (record.status === 'expired') return <RelativeTime at={record.upload.expires_at} prefix="expired" tense="past" />;
  return (
    <span className="text-slate-400">
      <span aria-hidden="true">—</span>
      <span className="sr-only">no expiry</span>
    </span>
  );
}
