import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { AuditList } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { auditSearchParams, type AuditFilters } from '#src/features/audit/utils/audit-filters.ts';
import { auditKeys } from './audit-keys.ts';

export const AUDIT_PAGE_SIZE = 50;
/** Cancels happen elsewhere too (bulk jobs, scripts, SDK clients), so the log polls. */
export const AUDIT_REFRESH_MS = 10_000;

const auditListShape: Expected<AuditList> = { object: 'list', keys: ['data', 'has_more', 'next_cursor'] };

export function getAuditEntries(filters: AuditFilters & { cursor?: string | null }, signal?: AbortSignal): Promise<AuditList> {
  const { cursor, ...rest } = filters;
  const params = auditSearchParams(rest);
  params.set('limit', String(AUDIT_PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return apiClient.get(`/api/audit?${params}`, auditListShape, { signal });
}

export function auditListQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam, signal }) => getAuditEntries({ ...filters, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => (lastPage.has_more ? lastPage.next_cursor : null),
    refetchInterval: AUDIT_REFRESH_MS,
  });
}

export function useAuditEntries(filters: AuditFilters) {
  return useInfiniteQuery(auditListQueryOptions(filters));
}
