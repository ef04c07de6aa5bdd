import type { UploadRecord } from '#contract/dashboard-api.ts';
import { EmptyState } from '#src/components/ui/empty-state.tsx';
import { AlertTriangleIcon } from '#src/components/ui/icons.tsx';
import { isServerUnavailable } from '#src/lib/api-client.ts';
import type { UploadListView } from '#src/features/uploads/api/upload-keys.ts';
import { UploadsEmptyState } from './uploads-empty-state.tsx';
import { UploadsTable } from './uploads-table.tsx';

interface UploadsListBodyProps {
  /** As shown (cancels applied); undefined until the first page has come. */
  records: UploadRecord[] | undefined;
  /** Why the first page could not be loaded, once every retry has failed. */
  error: Error | null;
  /** The rows are the previous filter's, shown while the new one loads. */
  stale: boolean;
  view: UploadListView;
  onClearFilters: () => void;
  activeIndex: number | null;
  showActive: boolean;
  onNearEnd: () => void;
  /** Rows the list could have; undefined while unknown. */
  total: number | undefined;
}

/** Loading, failed, empty or the table: what the list's body shows. */
export function UploadsListBody({ records, error, stale, view, onClearFilters, activeIndex, showActive, onNearEnd, total }: UploadsListBodyProps) {
  if (records === undefined) {
    // An unreachable server has its banner above; the skeleton stays while it is retried.
    return error && !isServerUnavailable(error) ? (
      <EmptyState icon={<AlertTriangleIcon className="size-5" />} title="Uploads couldn't be loaded">
        {/* The banner above says why, with Try again; saying it twice here would only repeat it. */}
        Nothing to show until it loads: see the message above.
      </EmptyState>
    ) : (
      <UploadsTable records={undefined} loading />
    );
  }
  if (records.length === 0 && !stale) return <UploadsEmptyState view={view} onClearFilters={onClearFilters} />;
  return (
    <UploadsTable
      records={records}
      activeIndex={activeIndex}
      showActive={showActive}
      onNearEnd={onNearEnd}
      stale={stale}
      rowCount={total === undefined ? -1 : total + 1}
    />
  );
}
