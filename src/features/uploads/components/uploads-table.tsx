import { useTable } from '@tanstack/react-table';
import type { UploadRecord } from '../../../../contract/dashboard-api.ts';
import { Skeleton } from '../../../components/ui/skeleton.tsx';
import { cn } from '../../../lib/cn.ts';
import { uploadColumns, uploadTableFeatures } from './upload-columns.tsx';

const SKELETON_ROWS = 6;
const noRecords: UploadRecord[] = [];

interface UploadsTableProps {
  /** Records as they should read, in-flight cancels already applied. */
  records: UploadRecord[] | undefined;
  loading?: boolean;
}

export function UploadsTable({ records, loading = false }: UploadsTableProps) {
  const table = useTable({
    features: uploadTableFeatures,
    columns: uploadColumns,
    data: records ?? noRecords,
    getRowId: (record) => record.upload.id,
  });

  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[1120px] table-fixed border-collapse text-left text-[13px]" aria-busy={loading || undefined}>
        <caption className="sr-only">Uploads{loading ? ' (loading)' : ''}</caption>
        <thead className="border-b border-slate-200 bg-slate-50/80">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={cn('px-3 py-2 text-[11px] font-semibold tracking-wide text-slate-500 uppercase first:pl-4 last:pr-4', meta?.className)}
                  >
                    {meta?.srOnlyHeader ? (
                      <span className="sr-only">
                        <table.FlexRender header={header} />
                      </span>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {loading
            ? Array.from({ length: SKELETON_ROWS }, (_, index) => (
                <tr key={index}>
                  {table.getAllLeafColumns().map((column) => (
                    <td key={column.id} className="px-3 py-3.5 first:pl-4 last:pr-4">
                      <Skeleton className={cn('h-3.5', column.columnDef.meta?.skeletonWidth)} />
                    </td>
                  ))}
                </tr>
              ))
            : table.getRowModel().rows.map((row) => (
                <tr key={row.id} data-upload-id={row.id} className="align-top transition-colors hover:bg-slate-50/70">
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} className={cn('px-3 py-2.5 first:pl-4 last:pr-4', cell.column.columnDef.meta?.className)}>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              ))}
        </tbody>
      </table>
    </div>
  );
}
