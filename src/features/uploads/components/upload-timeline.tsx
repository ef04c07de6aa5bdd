import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type ComponentType, type SVGProps } from 'react';
import { Link } from 'react-router-dom';
import type { TimelineEvent, UploadRecord } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { Card } from '#src/components/ui/card.tsx';
import { AlertTriangleIcon, BanIcon, CheckCircleIcon, FileIcon, FileSearchIcon, HourglassIcon, UploadCloudIcon, UserIcon } from '#src/components/ui/icons.tsx';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { Skeleton } from '#src/components/ui/skeleton.tsx';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { useUploadTimeline } from '#src/features/uploads/api/get-upload-timeline.ts';
import { uploadKeys } from '#src/features/uploads/api/upload-keys.ts';

type Kind = TimelineEvent['kind'];

const KINDS: Record<Kind, { label: string; Icon: ComponentType<SVGProps<SVGSVGElement>>; className: string }> = {
  created: { label: 'Created', Icon: UploadCloudIcon, className: 'bg-sky-50 text-sky-700 ring-sky-600/20' },
  seen: { label: 'First seen', Icon: FileSearchIcon, className: 'bg-violet-50 text-violet-700 ring-violet-600/20' },
  part: { label: 'Part', Icon: FileIcon, className: 'bg-slate-50 text-slate-600 ring-slate-500/20' },
  completed: { label: 'Completed', Icon: CheckCircleIcon, className: 'bg-emerald-50 text-emerald-700 ring-emerald-600/25' },
  cancelled: { label: 'Cancelled', Icon: BanIcon, className: 'bg-slate-100 text-slate-700 ring-slate-500/25' },
  expired: { label: 'Expired', Icon: HourglassIcon, className: 'bg-amber-50 text-amber-700 ring-amber-600/25' },
  cancel_attempt: { label: 'Cancel attempt', Icon: AlertTriangleIcon, className: 'bg-amber-100 text-amber-700 ring-amber-600/30' },
};

function Actor({ actor }: { actor: string }) {
  const client = actor.startsWith('client:') ? actor.slice('client:'.length) : null;
  return (
    <span className="inline-flex items-center gap-1" title={actor}>
      <UserIcon className="size-3 text-slate-400" />
      {client ?? actor}
      {client !== null && <span className="text-slate-500">(SDK client)</span>}
    </span>
  );
}

function TimelineItem({ event, last }: { event: TimelineEvent; last: boolean }) {
  const { Icon, className, label } = KINDS[event.kind];
  const warning = event.kind === 'cancel_attempt';
  return (
    <li data-kind={event.kind} className="relative flex gap-3 pb-3 last:pb-0">
      {!last && <span aria-hidden="true" className="absolute top-8 bottom-0 left-[13px] w-px bg-slate-200" />}
      <span aria-hidden="true" title={label} className={cn('relative flex size-7 shrink-0 items-center justify-center rounded-full ring-1 ring-inset', className)}>
        <Icon className="size-3.5" />
      </span>
      <div className={cn('min-w-0 flex-1 pt-1', warning && '-mt-0.5 rounded-md border border-amber-200 bg-amber-50 px-2.5 py-1.5')}>
        <p className={cn('text-[13px] break-words', warning ? 'font-medium text-amber-900' : 'text-slate-900')}>
          {warning && <span className="sr-only">Warning: </span>}
          {event.message}
        </p>
        <p className={cn('mt-0.5 flex flex-wrap items-center gap-x-2 text-xs', warning ? 'text-amber-800/80' : 'text-slate-500')}>
          <RelativeTime at={event.at} tense="past" className="tabular-nums" />
          {event.actor && (
            <>
              <span aria-hidden="true">·</span>
              <Actor actor={event.actor} />
            </>
          )}
        </p>
      </div>
    </li>
  );
}

/** What the record says changed is news for the timeline too: ask at once rather than at the next poll. */
function useRefreshOnChange(record: UploadRecord) {
  const client = useQueryClient();
  const id = record.upload.id;
  const signature = `${record.status}|${record.parts_count}|${record.last_activity_at}|${record.cancelled_at ?? ''}`;
  const previous = useRef(signature);
  useEffect(() => {
    if (previous.current === signature) return;
    previous.current = signature;
    void client.invalidateQueries({ queryKey: uploadKeys.timeline(id) });
  }, [client, id, signature]);
}

export function UploadTimeline({ record, className }: { record: UploadRecord; className?: string }) {
  const id = record.upload.id;
  const query = useUploadTimeline(id);
  useRefreshOnChange(record);

  let body;
  if (query.data === undefined) {
    body = query.isError ? (
      <div role="alert" className="flex items-center justify-between gap-3 px-4 py-3 text-[13px] text-rose-800">
        <span className="inline-flex items-center gap-2">
          <AlertTriangleIcon className="size-4 shrink-0 text-rose-600" />
          Couldn't load the timeline: {query.error.message}
        </span>
        <Button size="sm" onClick={() => void query.refetch()}>
          Try again
        </Button>
      </div>
    ) : (
      <div className="space-y-3 px-4 py-3" aria-busy="true">
        <span className="sr-only">Loading the timeline…</span>
        {[0, 1, 2].map((row) => (
          <div key={row} className="flex items-center gap-3">
            <Skeleton className="size-7 rounded-full" />
            <Skeleton className="h-3.5 w-64" />
          </div>
        ))}
      </div>
    );
  } else if (query.data.length === 0) {
    body = <p className="px-4 py-3 text-[13px] text-slate-500">Nothing recorded for this upload yet.</p>;
  } else {
    body = (
      <ol className="px-4 py-3.5" aria-label={`History of ${record.upload.filename}, oldest first`}>
        {query.data.map((event, index) => (
          <TimelineItem key={`${index}-${event.kind}-${event.at}`} event={event} last={index === query.data.length - 1} />
        ))}
      </ol>
    );
  }

  return (
    <Card
      title="Timeline"
      className={className}
      actions={
        <Link
          to={paths.audit.getHref({ upload_id: id })}
          className="text-xs font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          See audit entries
        </Link>
      }
    >
      {body}
    </Card>
  );
}
