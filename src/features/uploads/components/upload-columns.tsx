// Column definitions for the uploads table (TanStack Table). Cells read the whole record:
// most columns combine several fields.
import { createColumnHelper, metaHelper, tableFeatures } from '@tanstack/react-table';
import { Link } from 'react-router-dom';
import type { UploadRecord } from '../../../../contract/dashboard-api.ts';
import { RelativeTime } from '../../../components/ui/relative-time.tsx';
import { paths } from '../../../config/paths.ts';
import { formatBytes, formatExactBytes } from '../../../lib/format-bytes.ts';
import { CancelUploadButton } from './cancel-upload-button.tsx';
import { CopyIdButton } from './copy-id-button.tsx';
import { SeenViaTag } from './seen-via-tag.tsx';
import { StatusBadge } from './status-badge.tsx';
import { UploadExpiry } from './upload-expiry.tsx';
import { UploadProgress } from './upload-progress.tsx';

export interface UploadColumnMeta {
  /** Classes for both the header and the body cells of the column. */
  className?: string;
  /** The header is read by screen readers but not shown (the actions column). */
  srOnlyHeader?: boolean;
  /** Placeholder width while loading. */
  skeletonWidth: string;
}

export const uploadTableFeatures = tableFeatures({ columnMeta: metaHelper<UploadColumnMeta>() });

const column = createColumnHelper<typeof uploadTableFeatures, UploadRecord>();

export const uploadColumns = column.columns([
  column.accessor('status', {
    header: 'Status',
    cell: ({ row }) => <StatusBadge status={row.original.status} />,
    meta: { className: 'w-32', skeletonWidth: 'w-20' },
  }),
  column.accessor((record) => record.upload.filename, {
    id: 'upload',
    header: 'Upload',
    cell: ({ row }) => {
      const { id, filename } = row.original.upload;
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
            <SeenViaTag seenVia={row.original.seen_via} />
          </div>
          <div className="mt-0.5 flex items-center gap-0.5">
            <code className="min-w-0 truncate font-mono text-[11px] text-slate-500">{id}</code>
            <CopyIdButton id={id} />
          </div>
        </div>
      );
    },
    meta: { skeletonWidth: 'w-48' },
  }),
  column.accessor((record) => record.upload.purpose, {
    id: 'purpose',
    header: 'Purpose',
    cell: ({ getValue }) => <span className="font-mono text-xs text-slate-700">{getValue()}</span>,
    meta: { className: 'w-28', skeletonWidth: 'w-16' },
  }),
  column.accessor((record) => record.upload.bytes, {
    id: 'size',
    header: 'Size',
    cell: ({ getValue }) => (
      <span className="tabular-nums" title={formatExactBytes(getValue())}>
        {formatBytes(getValue())}
      </span>
    ),
    meta: { className: 'w-24 text-right', skeletonWidth: 'w-12 ml-auto' },
  }),
  column.display({
    id: 'progress',
    header: 'Progress',
    cell: ({ row }) => <UploadProgress record={row.original} />,
    meta: { className: 'w-60', skeletonWidth: 'w-40' },
  }),
  column.accessor((record) => record.upload.created_at, {
    id: 'created',
    header: 'Created',
    cell: ({ getValue }) => <RelativeTime at={getValue()} tense="past" className="whitespace-nowrap tabular-nums" />,
    meta: { className: 'w-28', skeletonWidth: 'w-16' },
  }),
  column.display({
    id: 'expiry',
    header: 'Expiry',
    cell: ({ row }) => <UploadExpiry record={row.original} />,
    meta: { className: 'w-40 whitespace-nowrap', skeletonWidth: 'w-24' },
  }),
  column.display({
    id: 'actions',
    header: 'Actions',
    cell: ({ row }) => <CancelUploadButton record={row.original} />,
    meta: { className: 'w-28 text-right', srOnlyHeader: true, skeletonWidth: 'w-14 ml-auto' },
  }),
]);
