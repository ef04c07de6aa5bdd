import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { auditSearchParams, parseAuditFilters, type AuditFilters } from './audit-filters.ts';

/**
 * The filters as the URL holds them, and a setter that writes them back. Each change is a new
 * history entry, so Back undoes a filter.
 */
export function useAuditFilters(): [AuditFilters, (next: AuditFilters) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const key = searchParams.toString();
  // Parsed once per distinct URL, so the object (and the query key built from it) stays stable.
  const filters = useMemo(() => parseAuditFilters(new URLSearchParams(key)), [key]);
  const setFilters = useCallback((next: AuditFilters) => setSearchParams(auditSearchParams(next)), [setSearchParams]);
  return [filters, setFilters];
}
