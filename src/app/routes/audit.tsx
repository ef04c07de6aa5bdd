// Loaded lazily (see router.tsx); its loader, in audit-loader.ts, is not.
import { AuditLog } from '#src/features/audit/components/audit-log.tsx';

export function AuditRoute() {
  return <AuditLog />;
}
