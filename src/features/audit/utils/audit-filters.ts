// The audit log's filters live in the URL (shareable, survive a reload, Back undoes them); this
// is the one place that reads and writes them.
import { AUDIT_SOURCES, CANCEL_OUTCOMES, type CancelOutcome } from '#contract/constants.ts';
import type { AuditEntry } from '#contract/dashboard-api.ts';
import { paths } from '#src/config/paths.ts';

export type AuditSource = AuditEntry['source'];

export interface AuditFilters {
  actor?: string;
  outcome?: CancelOutcome;
  source?: AuditSource;
  upload_id?: string;
  /** One bulk job's cancels (a cleanup policy's run links here). */
  job_id?: string;
}

export const AUDIT_FILTER_NAMES = ['actor', 'outcome', 'source', 'upload_id', 'job_id'] as const;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

function text(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Unknown or empty values are dropped: a stale link shows more, never an error. */
export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  return normalizeAuditFilters({
    actor: text(params.get('actor')),
    outcome: oneOf(CANCEL_OUTCOMES, params.get('outcome')),
    source: oneOf(AUDIT_SOURCES, params.get('source')),
    upload_id: text(params.get('upload_id')),
    job_id: text(params.get('job_id')),
  });
}

/** Only the filters that are set, in a fixed order: equal filters make equal query keys and URLs. */
export function normalizeAuditFilters(filters: AuditFilters): AuditFilters {
  const normalized: AuditFilters = {};
  for (const name of AUDIT_FILTER_NAMES) {
    const value = filters[name]?.trim();
    if (value) Object.assign(normalized, { [name]: value });
  }
  return normalized;
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return AUDIT_FILTER_NAMES.some((name) => filters[name] !== undefined);
}

export function auditSearchParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(normalizeAuditFilters(filters))) params.set(name, value);
  return params;
}

export function auditHref(filters: AuditFilters): string {
  return paths.audit.getHref({ ...normalizeAuditFilters(filters) });
}

/** The CSV of every entry matching the filters (the server pages through them itself). */
export function auditExportHref(filters: AuditFilters): string {
  const search = auditSearchParams(filters).toString();
  return `/api/audit/export.csv${search ? `?${search}` : ''}`;
}
