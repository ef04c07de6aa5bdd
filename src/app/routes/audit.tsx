// Loaded lazily (see router.tsx); what it asks of the cache, in audit-load.ts, is not.
import { AuditLog } from '#src/features/audit/components/audit-log.tsx';

export function AuditRoute() {
  return <AuditLog />;
}
