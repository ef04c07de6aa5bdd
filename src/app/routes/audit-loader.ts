import type { QueryClient } from '@tanstack/react-query';
import type { LoaderFunctionArgs } from 'react-router-dom';
import { auditListQueryOptions } from '#src/features/audit/api/get-audit-entries.ts';
import { parseAuditFilters } from '#src/features/audit/utils/audit-filters.ts';

/** Starts the first page while the route renders; the log has its own loading state. */
export const auditLoader =
  (queryClient: QueryClient) =>
  ({ request }: LoaderFunctionArgs) => {
    const filters = parseAuditFilters(new URL(request.url).searchParams);
    void queryClient.prefetchInfiniteQuery(auditListQueryOptions(filters));
    return null;
  };
