import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { AuditEntry } from '#contract/dashboard-api.ts';
import { CopyButton } from '#src/components/ui/copy-button.tsx';
import { NoValue } from '#src/components/ui/description-list.tsx';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { Skeleton } from '#src/components/ui/skeleton.tsx';
// The one status badge of the app; the audit log shows it as it stood before the cancel.
import { StatusBadge } from '#src/components/ui/status-badge.tsx';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { describeActor, SOURCE_HINTS, SOURCE_LABELS } from '#src/features/audit/utils/audit-wording.ts';
import { OutcomeBadge } from './outcome-badge.tsx';

interface Column {
  header: string;
  className: string;
  skeletonWidth: string;
  /** Below md each entry is a card: the cell's area in the `audit-card` template (src/index.css). */
  area: string;
  /** Said beside the value in a card, where no column header shows. */
  cardLabel?: string;
}

const COLUMNS: Column[] = [
  { header: 'When', className: 'w-28', skeletonWidth: 'w-14', area: 'max-md:[grid-area:when]' },
  { header: 'Who', className: 'w-40', skeletonWidth: 'w-20', area: 'max-md:[grid-area:who]' },
  { header: 'What', className: 'w-36', skeletonWidth: 'w-20', area: 'max-md:[grid-area:what]' },
  { header: 'Upload', className: 'w-72', skeletonWidth: 'w-48', area: 'max-md:[grid-area:upload]' },
  { header: 'Before', className: 'w-28', skeletonWidth: 'w-16', area: 'max-md:[grid-area:before]', cardLabel: 'Before' },
  { header: 'Outcome', className: 'w-36', skeletonWidth: 'w-20', area: 'max-md:[grid-area:outcome] max-md:justify-self-end' },
  { header: 'OpenAI', className: 'w-56', skeletonWidth: 'w-32', area: 'max-md:[grid-area:openai]', cardLabel: 'OpenAI' },
  { header: 'Reason / message', className: '', skeletonWidth: 'w-40', area: 'max-md:[grid-area:reason]' },
];
const column = (header: string) => COLUMNS.find((c) => c.header === header)!;

const SKELETON_ROWS = 6;
const CELL = 'md:px-3 md:py-2.5 md:first:pl-4 md:last:pr-4 max-md:min-w-0';

/** One body cell; in a card it also says what it holds when the value alone would not. */
function Cell({ header, children }: { header: string; children: ReactNode }) {
  const { area, cardLabel } = column(header);
  return (
    <td className={cn(CELL, area)}>
      {cardLabel && (
        <span aria-hidden="true" className="mb-0.5 block text-[11px] font-semibold tracking-wide text-slate-500 uppercase md:hidden">
          {cardLabel}
        </span>
      )}
      {children}
    </td>
  );
}

function Who({ actor }: { actor: string }) {
  const { name, isClient } = describeActor(actor);
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-1.5" title={actor}>
      <span className="min-w-0 truncate font-medium text-slate-900">{name}</span>
      {isClient && (
        <span className="inline-flex items-center rounded bg-violet-50 px-1.5 py-px text-[11px] font-medium whitespace-nowrap text-violet-700 ring-1 ring-violet-200 ring-inset">
          SDK client
        </span>
      )}
    </div>
  );
}

function What({ entry }: { entry: AuditEntry }) {
  return (
    <div className="min-w-0">
      <span title={SOURCE_HINTS[entry.source]} className="text-slate-800">
        {SOURCE_LABELS[entry.source]}
      </span>
      {entry.job_id && (
        <code className="mt-0.5 block truncate font-mono text-[11px] text-slate-500" title={`Bulk job ${entry.job_id}`}>
          {entry.job_id}
        </code>
      )}
    </div>
  );
}

function UploadCell({ entry }: { entry: AuditEntry }) {
  const { upload_id: id, filename } = entry;
  return (
    <div className="min-w-0">
      <Link
        to={paths.upload.getHref(id)}
        title={filename ?? id}
        className="block min-w-0 truncate font-medium text-slate-900 underline-offset-2 hover:text-sky-700 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {filename ?? id}
      </Link>
      {filename !== null && (
        <div className="mt-0.5 flex items-center gap-0.5">
          <code className="min-w-0 truncate font-mono text-[11px] text-slate-500">{id}</code>
          <CopyButton value={id} label={`Copy ${id}`} copiedMessage={`Copied ${id}`} />
        </div>
      )}
      {entry.client && (
        // The upload's owner when the cancel was written (the actor may be someone else).
        <p className="mt-0.5 truncate text-[11px] text-slate-500" title={`Made by client ${entry.client.name}${entry.client.sdk ? ` (${entry.client.sdk})` : ''}`}>
          Client <span className="font-medium text-slate-700">{entry.client.name}</span>
          {entry.client.sdk && <> · {entry.client.sdk}</>}
        </p>
      )}
    </div>
  );
}

function OpenAiCell({ entry }: { entry: AuditEntry }) {
  if (entry.upstream_status === null && entry.request_id === null) return <NoValue text="no answer from OpenAI" />;
  return (
    <div className="flex min-w-0 items-center gap-1.5 font-mono text-[11px] text-slate-600">
      {entry.upstream_status !== null && (
        <span
          title={`OpenAI answered HTTP ${entry.upstream_status}`}
          className={cn('rounded px-1 py-px font-semibold', entry.upstream_status < 400 ? 'bg-slate-100 text-slate-700' : 'bg-rose-50 text-rose-700')}
        >
          {entry.upstream_status}
        </span>
      )}
      {entry.request_id !== null && (
        <>
          <code className="min-w-0 truncate" title={`x-request-id ${entry.request_id}`}>
            {entry.request_id}
          </code>
          <CopyButton value={entry.request_id} label={`Copy request id ${entry.request_id}`} copiedMessage={`Copied ${entry.request_id}`} />
        </>
      )}
    </div>
  );
}

function ReasonCell({ entry }: { entry: AuditEntry }) {
  if (entry.reason === null && entry.message === null) return <NoValue />;
  return (
    <div className="min-w-0 space-y-0.5 break-words">
      {entry.reason !== null && <p className="text-slate-700">{entry.reason}</p>}
      {entry.message !== null && (
        <p className="text-xs text-slate-500">
          <span className="sr-only">Message: </span>
          {entry.message}
        </p>
      )}
    </div>
  );
}

interface AuditTableProps {
  entries: AuditEntry[] | undefined;
  loading?: boolean;
}

export function AuditTable({ entries, loading = false }: AuditTableProps) {
  // Below md the rows are cards (CSS grid): the explicit roles keep it a table to assistive
  // technology, which a changed display would otherwise make some browsers forget.
  return (
    <div className="md:overflow-x-auto">
      <table
        role="table"
        className="w-full border-collapse text-left text-[13px] max-md:block md:min-w-[1180px] md:table-fixed"
        aria-busy={loading || undefined}
      >
        <caption className="sr-only">Audit log, newest first{loading ? ' (loading)' : ''}</caption>
        <thead role="rowgroup" className="border-b border-slate-200 bg-slate-50/80 max-md:sr-only">
          <tr role="row">
            {COLUMNS.map((column) => (
              <th
                key={column.header}
                role="columnheader"
                scope="col"
                className={cn('px-3 py-2 text-[11px] font-semibold tracking-wide text-slate-500 uppercase first:pl-4 last:pr-4', column.className)}
              >
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup" className="divide-y divide-slate-100 max-md:block">
          {loading || !entries
            ? Array.from({ length: SKELETON_ROWS }, (_, index) => (
                <tr key={index} role="row" className="max-md:audit-card max-md:grid max-md:gap-x-3 max-md:gap-y-2 max-md:px-4 max-md:py-3">
                  {COLUMNS.map((column) => (
                    <td key={column.header} role="cell" className={cn('md:px-3 md:py-3.5 md:first:pl-4 md:last:pr-4', column.area)}>
                      <Skeleton className={cn('h-3.5', column.skeletonWidth)} />
                    </td>
                  ))}
                </tr>
              ))
            : entries.map((entry) => (
                <tr
                  key={entry.id}
                  role="row"
                  data-audit-id={entry.id}
                  className="align-top transition-colors hover:bg-slate-50/70 max-md:audit-card max-md:grid max-md:gap-x-3 max-md:gap-y-2 max-md:px-4 max-md:py-3"
                >
                  <Cell header="When">
                    <RelativeTime at={entry.at} tense="past" className="whitespace-nowrap text-slate-700 tabular-nums" />
                  </Cell>
                  <Cell header="Who">
                    <Who actor={entry.actor} />
                  </Cell>
                  <Cell header="What">
                    <What entry={entry} />
                  </Cell>
                  <Cell header="Upload">
                    <UploadCell entry={entry} />
                  </Cell>
                  <Cell header="Before">{entry.previous_status ? <StatusBadge status={entry.previous_status} /> : <NoValue text="never seen" />}</Cell>
                  <Cell header="Outcome">
                    <OutcomeBadge outcome={entry.outcome} />
                  </Cell>
                  <Cell header="OpenAI">
                    <OpenAiCell entry={entry} />
                  </Cell>
                  <Cell header="Reason / message">
                    <ReasonCell entry={entry} />
                  </Cell>
                </tr>
              ))}
        </tbody>
      </table>
    </div>
  );
}
