import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type CSSProperties } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { Skeleton } from '#src/components/ui/skeleton.tsx';
import { cn } from '#src/lib/cn.ts';
import { readOnlyUploadColumns, uploadColumns } from './upload-columns.tsx';
import { useUploadsTableState } from './uploads-table-context.tsx';

const SKELETON_ROWS = 6;
/** A row with a one-line progress note; real heights are measured as rows render. */
const ESTIMATED_ROW_PX = 66;
const OVERSCAN = 8;
/** Start loading the next page this many rows before the end. */
const NEAR_END_ROWS = 20;
const noRecords: UploadRecord[] = [];

interface UploadsTableProps {
  /** Records as they should read, in-flight cancels already applied. */
  records: UploadRecord[] | undefined;
  loading?: boolean;
  /** The row the keyboard is on (j/k); kept scrolled into view. */
  activeIndex?: number | null;
  /** Draw the focus ring on it (it was reached by keyboard). */
  showActive?: boolean;
  /** Called as the operator scrolls near the last loaded row. */
  onNearEnd?: () => void;
  /** Rows of the previous filter shown while the new one loads. */
  stale?: boolean;
  /** Total rows the list could have, for aria-rowcount; unknown is -1. */
  rowCount?: number;
}

/**
 * A virtualized table (TanStack Virtual): only the rows in view, plus a few either side, are in
 * the DOM, however many are loaded. ARIA table roles on CSS-grid rows keep it a table to
 * assistive technology, and one grid template for header and body keeps the columns aligned.
 */
export function UploadsTable({ records, loading = false, activeIndex = null, showActive = false, onNearEnd, stale = false, rowCount }: UploadsTableProps) {
  const { readOnly, selected, sort, order } = useUploadsTableState();
  const columns = readOnly ? readOnlyUploadColumns : uploadColumns;
  // From md up, one grid template for header and rows keeps the columns aligned; below md each
  // row is a card laid out by the `upload-card` template (src/index.css).
  const gridStyle = { '--columns': columns.map((column) => column.width).join(' ') } as CSSProperties;
  const rowGrid = cn('grid md:[grid-template-columns:var(--columns)]', readOnly ? 'max-md:upload-card-read-only' : 'max-md:upload-card');
  const rows = records ?? noRecords;

  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose; this component is not memoized
  const virtualizer = useVirtualizer({
    count: loading ? 0 : rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN,
    getItemKey: (index) => rows[index]?.upload.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (lastIndex >= 0 && lastIndex >= rows.length - NEAR_END_ROWS) onNearEnd?.();
  }, [lastIndex, rows.length, onNearEnd]);

  useEffect(() => {
    if (showActive && activeIndex !== null && activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, showActive, virtualizer]);

  return (
    <div ref={scrollRef} className="relative max-h-[max(24rem,calc(100dvh-20.5rem))] overflow-auto overscroll-contain">
      <div
        role="table"
        aria-label={loading ? 'Uploads (loading)' : 'Uploads'}
        aria-busy={loading || undefined}
        aria-rowcount={rowCount ?? (loading ? -1 : rows.length + 1)}
        className={cn('text-left text-[13px] transition-opacity md:min-w-[76rem]', stale && 'opacity-60')}
      >
        <div role="rowgroup" className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50">
          <div
            role="row"
            aria-rowindex={1}
            className="md:grid md:[grid-template-columns:var(--columns)] max-md:flex max-md:flex-wrap max-md:items-center max-md:gap-x-4 max-md:gap-y-1 max-md:px-2 max-md:py-1.5"
            style={gridStyle}
          >
            {/* Below md the header is a bar: the select-all box, then the sort buttons. */}
            <span aria-hidden="true" className="hidden text-[11px] font-semibold tracking-wide text-slate-500 uppercase max-md:order-1 max-md:inline">
              Sort
            </span>
            {columns.map((column) => {
              const sorted = column.sortField !== undefined && column.sortField === sort;
              return (
                <div
                  key={column.id}
                  role="columnheader"
                  aria-sort={sorted ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
                  className={cn(
                    'flex items-center py-1 text-[11px] font-semibold tracking-wide whitespace-nowrap text-slate-500 uppercase md:px-3 md:py-2 md:first:pl-4 md:last:pr-4',
                    column.className,
                    column.card.header,
                  )}
                >
                  {column.srOnlyHeader ? <span className="sr-only">{column.header}</span> : column.header}
                </div>
              );
            })}
          </div>
        </div>

        {loading ? (
          <div role="rowgroup" className="divide-y divide-slate-100">
            {Array.from({ length: SKELETON_ROWS }, (_, index) => (
              <div role="row" key={index} className={cn(rowGrid, 'max-md:px-2 max-md:py-3')} style={gridStyle}>
                {columns.map((column) => (
                  <div role="cell" key={column.id} className={cn('px-1.5 py-1 md:px-3 md:py-4 md:first:pl-4 md:last:pr-4', column.card.cell)}>
                    <Skeleton className={cn('h-3.5', column.skeletonWidth)} />
                  </div>
                ))}
              </div>
            ))}
          </div>
        ) : (
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const record = rows[item.index];
              if (!record) return null;
              const id = record.upload.id;
              const active = item.index === activeIndex;
              return (
                <div
                  role="row"
                  key={id}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  data-upload-id={id}
                  aria-rowindex={item.index + 2}
                  aria-current={active ? 'true' : undefined}
                  className={cn(
                    'absolute top-0 left-0 w-full border-b border-slate-100 transition-colors max-md:px-2 max-md:py-3',
                    rowGrid,
                    selected.has(id) ? 'bg-sky-50/70' : 'hover:bg-slate-50/70',
                    active && showActive && 'z-[1] outline-2 -outline-offset-2 outline-sky-600',
                  )}
                  style={{ ...gridStyle, transform: `translateY(${item.start}px)` }}
                >
                  {columns.map((column) => (
                    <div
                      role="cell"
                      key={column.id}
                      className={cn('min-w-0 px-1.5 py-0.5 md:px-3 md:py-2.5 md:first:pl-4 md:last:pr-4', column.className, column.card.cell)}
                    >
                      {column.cell(record, item.index)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
