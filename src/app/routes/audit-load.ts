import type { QueryClient } from '@tanstack/react-query';
import { auditListQueryOptions } from '#src/features/audit/api/get-audit-entries.ts';
import { parseAuditFilters } from '#src/features/audit/utils/audit-filters.ts';
import type { RouteLoad } from '#src/app/route-load.ts';

/** Starts the first page while the page's code comes; the log has its own loading state. */
export const auditLoad =
  (queryClient: QueryClient): RouteLoad =>
  ({ url }) => {
    void queryClient.prefetchInfiniteQuery(auditListQueryOptions(parseAuditFilters(url.searchParams)));
  };
