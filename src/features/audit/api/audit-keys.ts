// Every query key of the audit feature, written once (TkDodo, "Effective React Query Keys").
import { normalizeAuditFilters, type AuditFilters } from '#src/features/audit/utils/audit-filters.ts';

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filters: AuditFilters) => [...auditKeys.lists(), normalizeAuditFilters(filters)] as const,
};
