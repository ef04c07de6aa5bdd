import { useMemo } from 'react';
import { Banner } from '#src/components/ui/banner.tsx';
import { Button } from '#src/components/ui/button.tsx';
import { EmptyState } from '#src/components/ui/empty-state.tsx';
import { AlertTriangleIcon, FileIcon, FileSearchIcon, InboxIcon, SpinnerIcon } from '#src/components/ui/icons.tsx';
import { isServerUnavailable, isUnauthorized } from '#src/lib/api-client.ts';
import { AUDIT_REFRESH_MS, useAuditEntries } from '#src/features/audit/api/get-audit-entries.ts';
import { auditExportHref, hasAuditFilters } from '#src/features/audit/utils/audit-filters.ts';
import { useAuditFilters } from '#src/features/audit/utils/use-audit-filters.ts';
import { AuditFiltersBar } from './audit-filters-bar.tsx';
import { AuditTable } from './audit-table.tsx';

const count = new Intl.NumberFormat('en-US');

function ProblemBanner({ error, hasData, onRetry }: { error: unknown; hasData: boolean; onRetry: () => void }) {
  if (!error || isUnauthorized(error)) return null;
  const message = error instanceof Error ? error.message : String(error);
  if (isServerUnavailable(error)) {
    return (
      <Banner tone="offline" title="Can't reach the Uploads Console server — retrying…">
        {hasData ? 'Showing the audit log as last received. ' : ''}
        {message}
      </Banner>
    );
  }
  return (
    <Banner
      tone="error"
      title="Couldn't load the audit log"
      action={
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      }
    >
      {message}
    </Banner>
  );
}

/** Every cancel the console has made or passed through, newest first, filtered by the URL. */
export function AuditLog() {
  const [filters, setFilters] = useAuditFilters();
  const filtered = hasAuditFilters(filters);
  const query = useAuditEntries(filters);
  const entries = useMemo(() => query.data?.pages.flatMap((page) => page.data), [query.data]);
  const knownActors = useMemo(() => [...new Set(entries?.map((entry) => entry.actor))].sort(), [entries]);
  const problem = query.failureReason ?? (query.isError ? query.error : null);

  let body;
  if (entries === undefined) {
    body =
      query.isError && !isServerUnavailable(query.error) ? (
        <EmptyState icon={<AlertTriangleIcon className="size-5" />} title="The audit log couldn't be loaded">
          {/* The banner above says why, with Try again; saying it twice here would only repeat it. */}
          Nothing to show until it loads: see the message above.
        </EmptyState>
      ) : (
        <AuditTable entries={undefined} loading />
      );
  } else if (entries.length === 0) {
    body = filtered ? (
      <EmptyState
        icon={<FileSearchIcon className="size-5" />}
        title="No entries match these filters"
        action={
          <Button size="sm" onClick={() => setFilters({})}>
            Clear filters
          </Button>
        }
      >
        Actor and upload id must match exactly. Try fewer filters, or clear them to see every cancel.
      </EmptyState>
    ) : (
      <EmptyState icon={<InboxIcon className="size-5" />} title="No cancels recorded yet">
        Each cancel appears here once it is made, whoever makes it: a Cancel button or a bulk job in this dashboard, a cancel by id, a
        script, or an SDK client through the proxy.
      </EmptyState>
    );
  } else {
    body = <AuditTable entries={entries} />;
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div>
          <h1 className="text-lg font-semibold tracking-tight text-slate-900">Audit log</h1>
          <p className="text-[13px] text-slate-500">
            Every cancel, newest first: from a row, a bulk job or cancel by id in this dashboard, from scripts, and from SDK clients through
            the proxy.
          </p>
        </div>
        <a
          href={auditExportHref(filters)}
          download
          className="inline-flex h-9 shrink-0 items-center gap-2 rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-700 shadow-xs transition-colors hover:bg-slate-50 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          <FileIcon className="size-4" />
          Export CSV
          {filtered && <span className="sr-only"> of the filtered entries</span>}
        </a>
      </div>

      <ProblemBanner error={problem} hasData={entries !== undefined} onRetry={() => void query.refetch()} />

      <div className="rounded-lg border border-slate-200 bg-white shadow-xs">
        <div className="border-b border-slate-200">
          <AuditFiltersBar filters={filters} onChange={setFilters} knownActors={knownActors} />
        </div>

        {body}

        {entries !== undefined && entries.length > 0 && (
          <div className="flex items-center justify-between gap-4 border-t border-slate-100 px-4 py-2.5 text-xs text-slate-500">
            <p className="tabular-nums">
              Showing {count.format(entries.length)} {entries.length === 1 ? 'entry' : 'entries'}
              {filtered ? ' matching the filters' : ''} · refreshes every {AUDIT_REFRESH_MS / 1000} s
            </p>
            {query.hasNextPage && (
              <Button size="sm" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage && <SpinnerIcon className="size-3" />}
                {query.isFetchingNextPage ? 'Loading more…' : 'Load more'}
              </Button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
