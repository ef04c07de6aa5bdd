import { Hono } from 'hono';
import { auditExportQuerySchema, auditQuerySchema, type AuditEntry, type AuditList } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import { parseQuery } from '#server/lib/validation.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

const CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'source',
  'upload_id',
  'filename',
  'reason',
  'previous_status',
  'outcome',
  'upstream_status',
  'request_id',
  'job_id',
  'message',
  'client',
  'client_sdk',
] as const;

/** Each column's cell: the entry's own field, except the time (ISO 8601) and the client (its name, and its software apart). */
function csvValue(entry: AuditEntry, column: (typeof CSV_COLUMNS)[number]): unknown {
  if (column === 'at') return new Date(entry.at * 1000).toISOString();
  if (column === 'client') return entry.client?.name;
  if (column === 'client_sdk') return entry.client?.sdk;
  return entry[column];
}

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a cell as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value !== 'number') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(entry: AuditEntry): string {
  return CSV_COLUMNS.map((column) => csvCell(csvValue(entry, column))).join(',');
}

export function auditRoutes({ store }: { store: UploadStore }) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const page = await store.listAudit(parseQuery(c, auditQuerySchema));
      const body: AuditList = { object: 'list', data: page.data, has_more: page.nextCursor !== null, next_cursor: page.nextCursor };
      return c.json(body);
    })
    .get('/export.csv', async (c) => {
      // Every matching entry, newest first, read page by page. The body is sent whole, so a read
      // that fails half-way answers an error instead of a truncated file that looks complete.
      const filters = parseQuery(c, auditExportQuerySchema);
      const lines = [CSV_COLUMNS.join(',')];
      let cursor: string | undefined;
      do {
        const page = await store.listAudit({ ...filters, cursor, limit: 500 });
        for (const entry of page.data) lines.push(csvRow(entry));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="uploads-console-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
      return c.body(`${lines.join('\r\n')}\r\n`);
    });
}
