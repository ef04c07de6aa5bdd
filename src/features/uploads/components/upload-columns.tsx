// Column definitions for the uploads table. Cells read the whole record (most columns combine
// several fields) and the table's state (selection, sort, actions) from context.
//
// Plain objects, not TanStack Table: sorting and filtering happen on the server, selection
// lives in the URL-scoped selection hook and rows are virtualized by TanStack Virtual, so a
// table library would only turn this list into headers and cells, for 8 kB gz of initial JS.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { SortField, UploadRecord } from '#contract/dashboard-api.ts';
import { ArrowDownIcon, ArrowUpIcon, ChevronsUpDownIcon } from '#src/components/ui/icons.tsx';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { StatusBadge } from '#src/components/ui/status-badge.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { formatBytes, formatExactBytes } from '#src/lib/format-bytes.ts';
import { failureNote } from '#src/features/uploads/utils/bulk-wording.ts';
import { NO_CLIENT_TEXT, sdkLabel } from '#src/features/uploads/utils/client-wording.ts';
import { selectUnavailableReason } from '#src/features/uploads/utils/selection.ts';
import { CancelUploadButton } from './cancel-upload-button.tsx';
import { CopyIdButton } from './copy-id-button.tsx';
import { SeenViaTag } from './seen-via-tag.tsx';
import { StuckNote } from './stuck-note.tsx';
import { UploadExpiry } from './upload-expiry.tsx';
import { UploadProgress } from './upload-progress.tsx';
import { useUploadsTableState } from './uploads-table-context.tsx';

export interface UploadColumn {
  id: string;
  /** What the header shows (text, or controls such as the sort buttons). */
  header: ReactNode;
  /** `index` is the row's place in the list: the first row's tooltips open downwards. */
  cell: (record: UploadRecord, index: number) => ReactNode;
  /** The column's track in the rows' CSS grid, shared by header and body so they line up. */
  width: string;
  /** Classes for both the header and the body cells of the column. */
  className?: string;
  /**
   * Below md each row is a card: the body cell's place in it (a grid area of the `upload-card`
   * template in src/index.css), and the header cell's part in the bar of sort buttons above.
   */
  card: { cell: string; header: string };
  /** The header is read by screen readers but not shown (the actions column). */
  srOnlyHeader?: boolean;
  /** Placeholder width while loading. */
  skeletonWidth: string;
  /** Its header sorts the list by this field (and carries aria-sort). */
  sortField?: SortField;
}

const checkboxClass =
  'size-5 cursor-pointer md:size-4 rounded border-slate-300 accent-sky-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 aria-disabled:cursor-not-allowed aria-disabled:opacity-35';

/** A finger-sized (44 px) area around a checkbox on a touch screen: a tap on it ticks the box. */
function TouchTarget({ children }: { children: ReactNode }) {
  return <label className="-m-3 inline-flex p-3 max-md:cursor-pointer md:m-0 md:p-0">{children}</label>;
}

function SelectAllCheckbox() {
  const { headerCheck, selectableCount, onToggleAll } = useUploadsTableState();
  const nothing = headerCheck === 'none' && selectableCount === 0;
  return (
    <TouchTarget>
      <Tooltip content={nothing ? 'No pending uploads to select here' : null} align="start" side="bottom">
        {(describedBy) => (
          <input
            type="checkbox"
            aria-label="Select all loaded uploads"
            aria-disabled={nothing ? 'true' : undefined}
            aria-describedby={describedBy}
            className={checkboxClass}
            checked={headerCheck === 'all'}
            ref={(element) => {
              if (element) element.indeterminate = headerCheck === 'some';
            }}
            onChange={() => {
              if (!nothing) onToggleAll(headerCheck === 'none');
            }}
          />
        )}
      </Tooltip>
    </TouchTarget>
  );
}

function SelectCheckbox({ record, first }: { record: UploadRecord; first: boolean }) {
  const { selected, cancellingIds, onToggle } = useUploadsTableState();
  const { id, filename } = record.upload;
  const checked = selected.has(id);
  // Unticking is always allowed: a row that finished after it was picked can still be dropped.
  const reason = checked ? null : selectUnavailableReason(record, cancellingIds);
  return (
    <TouchTarget>
      <Tooltip content={reason} align="start" side={first ? 'bottom' : 'top'}>
        {(describedBy) => (
          <input
            type="checkbox"
            aria-label={`Select ${filename}`}
            aria-disabled={reason === null ? undefined : 'true'}
            aria-describedby={describedBy}
            className={checkboxClass}
            checked={checked}
            onChange={(event) => {
              if (reason !== null) return;
              onToggle(id, event.target.checked, (event.nativeEvent as MouseEvent).shiftKey === true);
            }}
          />
        )}
      </Tooltip>
    </TouchTarget>
  );
}

function SortButton({ field, label, align = 'start' }: { field: SortField; label: string; align?: 'start' | 'end' }) {
  const { sort, order, onSort } = useUploadsTableState();
  const active = sort === field;
  const Icon = !active ? ChevronsUpDownIcon : order === 'asc' ? ArrowUpIcon : ArrowDownIcon;
  return (
    <button
      type="button"
      onClick={() => onSort(field)}
      className={cn(
        'inline-flex items-center gap-1 rounded-sm tracking-wide uppercase transition-colors hover:text-slate-900',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600',
        active && 'text-slate-900',
        align === 'end' && 'flex-row-reverse',
      )}
    >
      {label}
      <Icon className={cn('size-3 shrink-0', active ? 'text-slate-700' : 'text-slate-400')} />
    </button>
  );
}

function UploadCell({ record }: { record: UploadRecord }) {
  const { failures } = useUploadsTableState();
  const { id, filename } = record.upload;
  const failure = record.status === 'pending' ? failures.get(id) : undefined;
  return (
    <div className="min-w-0">
      <div className="flex min-w-0 items-center gap-2">
        <Link
          to={paths.upload.getHref(id)}
          title={filename}
          className="min-w-0 truncate font-medium text-slate-900 underline-offset-2 hover:text-sky-700 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          {filename}
        </Link>
        <SeenViaTag seenVia={record.seen_via} />
        {record.cancel_outcome_unknown && (
          <span
            title="A cancel was sent but no answer came back; the server is finding out whether it landed."
            className="inline-flex shrink-0 items-center rounded bg-amber-50 px-1.5 py-px text-[11px] font-medium text-amber-800 ring-1 ring-amber-200 ring-inset"
          >
            cancel unconfirmed
          </span>
        )}
      </div>
      <div className="mt-0.5 flex items-center gap-0.5">
        <code className="min-w-0 truncate font-mono text-[11px] text-slate-500">{id}</code>
        <CopyIdButton id={id} />
      </div>
      {failure && <p className="mt-0.5 text-[11px] leading-4 font-medium break-words text-rose-700">{failureNote(failure)}</p>}
    </div>
  );
}

/** Whose upload it is: the client token's name, and below it (beside it, on a card) the software it named. */
function ClientCell({ record }: { record: UploadRecord }) {
  const { client } = record;
  if (!client) {
    return (
      <span title={NO_CLIENT_TEXT} className="text-slate-400 max-md:sr-only">
        <span aria-hidden="true">—</span>
        <span className="sr-only">{NO_CLIENT_TEXT}</span>
      </span>
    );
  }
  const sdk = sdkLabel(client);
  return (
    <div className="flex min-w-0 leading-tight max-md:items-baseline max-md:gap-1.5 md:flex-col">
      {/* On a card the name keeps its room and the software gives way. */}
      <span className="min-w-0 truncate text-[13px] font-medium text-slate-800 max-md:max-w-full max-md:shrink-0" title={`Client ${client.name}`}>
        {client.name}
      </span>
      <span className={cn('min-w-0 truncate text-[11px] text-slate-500', client.sdk === null && 'italic')} title={sdk}>
        {sdk}
      </span>
    </div>
  );
}

function ProgressCell({ record }: { record: UploadRecord }) {
  return (
    <div className="min-w-0">
      <UploadProgress record={record} />
      {record.status === 'pending' && record.stuck && <StuckNote stuck={record.stuck} />}
    </div>
  );
}

function ActionsCell({ record, first }: { record: UploadRecord; first: boolean }) {
  const { cancellingIds, onCancel } = useUploadsTableState();
  return (
    <CancelUploadButton
      record={record}
      cancelling={cancellingIds.has(record.upload.id)}
      onCancel={() => onCancel(record)}
      tooltipSide={first ? 'bottom' : 'top'}
      className="max-md:h-9 max-md:px-3.5 max-md:text-sm"
    />
  );
}

const selectColumn: UploadColumn = {
  id: 'select',
  header: <SelectAllCheckbox />,
  // The first row's tooltips open downwards: above, the sticky header would cover them.
  cell: (record, index) => <SelectCheckbox record={record} first={index === 0} />,
  width: '2.5rem',
  className: 'pr-0',
  skeletonWidth: 'w-4',
  card: { cell: 'max-md:[grid-area:select]', header: '' },
};

const dataColumns: UploadColumn[] = [
  {
    id: 'status',
    header: 'Status',
    cell: (record) => <StatusBadge status={record.status} />,
    width: '7.5rem',
    skeletonWidth: 'w-20',
  card: { cell: 'max-md:[grid-area:status]', header: 'max-md:sr-only' },
  },
  {
    id: 'upload',
    header: 'Upload',
    cell: (record) => <UploadCell record={record} />,
    width: 'minmax(15rem, 1fr)',
    skeletonWidth: 'w-48',
  card: { cell: 'max-md:[grid-area:upload]', header: 'max-md:sr-only' },
  },
  {
    id: 'client',
    header: 'Client',
    cell: (record) => <ClientCell record={record} />,
    width: '8.5rem',
    skeletonWidth: 'w-20',
    card: { cell: 'max-md:[grid-area:client] max-md:self-center max-md:min-w-0', header: 'max-md:sr-only' },
  },
  {
    id: 'purpose',
    header: 'Purpose',
    cell: (record) => <span className="font-mono text-xs text-slate-700">{record.upload.purpose}</span>,
    width: '6.5rem',
    skeletonWidth: 'w-16',
  card: { cell: 'max-md:[grid-area:purpose] max-md:self-center', header: 'max-md:sr-only' },
  },
  {
    id: 'size',
    header: <SortButton field="bytes" label="Size" align="end" />,
    cell: (record) => (
      <span className="tabular-nums" title={formatExactBytes(record.upload.bytes)}>
        {formatBytes(record.upload.bytes)}
      </span>
    ),
    width: '5.5rem',
    className: 'text-right justify-end',
    skeletonWidth: 'w-12 ml-auto',
    sortField: 'bytes',
  card: { cell: 'max-md:[grid-area:size] max-md:self-center', header: 'max-md:order-2' },
  },
  {
    id: 'progress',
    header: (
      <span className="inline-flex items-center gap-1.5">
        <span className="max-md:sr-only">Progress ·</span>
        <SortButton field="last_activity_at" label="Last activity" />
      </span>
    ),
    cell: (record) => <ProgressCell record={record} />,
    width: '15rem',
    skeletonWidth: 'w-40',
    sortField: 'last_activity_at',
  card: { cell: 'max-md:[grid-area:progress]', header: 'max-md:order-2' },
  },
  {
    id: 'created',
    header: <SortButton field="created_at" label="Created" />,
    cell: (record) => (
      <span className="whitespace-nowrap tabular-nums">
        {/* Below md there is no column header to say what the time is. */}
        <span className="md:hidden">created </span>
        <RelativeTime at={record.upload.created_at} tense="past" />
      </span>
    ),
    width: '7rem',
    skeletonWidth: 'w-16',
    sortField: 'created_at',
  card: { cell: 'max-md:[grid-area:created] max-md:self-center', header: 'max-md:order-2' },
  },
  {
    id: 'expiry',
    header: <SortButton field="expires_at" label="Expiry" />,
    cell: (record) =>
      record.status === 'pending' || record.status === 'expired' ? (
        <UploadExpiry record={record} />
      ) : (
        // A card leaves out the dash of an upload with nothing left to expire (it still says so).
        <span className="max-md:sr-only">
          <UploadExpiry record={record} />
        </span>
      ),
    width: '9.5rem',
    className: 'whitespace-nowrap',
    skeletonWidth: 'w-24',
    sortField: 'expires_at',
  card: { cell: 'max-md:[grid-area:expiry]', header: 'max-md:order-2' },
  },
  {
    id: 'actions',
    header: 'Actions',
    cell: (record, index) => <ActionsCell record={record} first={index === 0} />,
    width: '6.75rem',
    className: 'text-right justify-end',
    srOnlyHeader: true,
    skeletonWidth: 'w-14 ml-auto',
  card: { cell: 'max-md:[grid-area:actions]', header: 'max-md:sr-only' },
  },
];

/** Read-only operators get no selection column: there is nothing they could do with one. */
export function uploadColumnsFor(readOnly: boolean): UploadColumn[] {
  return readOnly ? dataColumns : [selectColumn, ...dataColumns];
}

export const uploadColumns = uploadColumnsFor(false);
export const readOnlyUploadColumns = uploadColumnsFor(true);
