import type { UploadRecord } from '#contract/dashboard-api.ts';
import type { UploadStatus } from '#contract/uploads.ts';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { formatBytes, formatExactBytes } from '#src/lib/format-bytes.ts';
import { cn } from '#src/lib/cn.ts';

const BAR: Record<UploadStatus, string> = {
  pending: 'bg-sky-500',
  completed: 'bg-emerald-500',
  cancelled: 'bg-slate-400',
  expired: 'bg-amber-500',
};

export function receivedPercent(record: UploadRecord): number {
  const { bytes } = record.upload;
  if (bytes <= 0) return record.status === 'completed' ? 100 : 0;
  return Math.min(100, (record.bytes_received / bytes) * 100);
}

/** Bytes the proxy has seen go by, against the size announced at creation. */
export function UploadProgress({ record, className }: { record: UploadRecord; className?: string }) {
  const percent = receivedPercent(record);
  const received = formatBytes(record.bytes_received);
  const total = formatBytes(record.upload.bytes);
  const parts = `${record.parts_count} ${record.parts_count === 1 ? 'part' : 'parts'}`;
  return (
    <div className={cn('min-w-0', className)}>
      <div
        role="progressbar"
        aria-label={`Bytes received for ${record.upload.filename}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
        aria-valuetext={`${received} of ${total}`}
        className="h-1 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div className={cn('h-full rounded-full transition-[width]', BAR[record.status])} style={{ width: `${percent}%` }} />
      </div>
      <div className="mt-1 text-xs text-slate-700 tabular-nums" title={`${formatExactBytes(record.bytes_received)} of ${formatExactBytes(record.upload.bytes)}`}>
        {received} / {total}
      </div>
      <div className="text-[11px] text-slate-500 tabular-nums">
        {parts} · <RelativeTime at={record.last_activity_at} prefix="last activity" tense="past" />
      </div>
    </div>
  );
}
