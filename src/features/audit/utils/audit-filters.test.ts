import { describe, expect, it } from 'vitest';
import { auditExportHref, auditHref, auditSearchParams, hasAuditFilters, parseAuditFilters } from './audit-filters.ts';

describe('audit filters in the URL', () => {
  it('reads every filter from the query string', () => {
    const params = new URLSearchParams('actor=alice&outcome=not_found&source=pass_through&upload_id=upload_abc');
    expect(parseAuditFilters(params)).toEqual({ actor: 'alice', outcome: 'not_found', source: 'pass_through', upload_id: 'upload_abc' });
  });

  it('drops unknown, empty and blank values instead of failing', () => {
    const params = new URLSearchParams('actor=%20%20&outcome=exploded&source=fax&upload_id=&limit=5');
    expect(parseAuditFilters(params)).toEqual({});
    expect(hasAuditFilters(parseAuditFilters(params))).toBe(false);
  });

  it('writes only the filters that are set, trimmed, in a fixed order', () => {
    const params = auditSearchParams({ upload_id: ' upload_abc ', actor: 'client:etl', outcome: undefined, source: 'bulk' });
    expect(params.toString()).toBe('actor=client%3Aetl&source=bulk&upload_id=upload_abc');
  });

  it('round-trips: what is written is what is read back', () => {
    const filters = { actor: 'alice', outcome: 'failed', source: 'by_id', upload_id: 'upload_x1' } as const;
    expect(parseAuditFilters(auditSearchParams(filters))).toEqual(filters);
  });

  it('links to the page with the filters', () => {
    expect(auditHref({})).toBe('/audit');
    expect(auditHref({ upload_id: 'upload_abc' })).toBe('/audit?upload_id=upload_abc');
  });

  it('points the CSV export at the same filters, without paging', () => {
    expect(auditExportHref({})).toBe('/api/audit/export.csv');
    expect(auditExportHref({ outcome: 'cancelled', actor: 'bob' })).toBe('/api/audit/export.csv?actor=bob&outcome=cancelled');
  });
});
