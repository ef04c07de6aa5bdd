// Cursors are opaque to clients. Every store encodes them the same way, so a cursor means the same
// thing whichever engine issued it, and none of them trusts one it is handed back.
import { UPLOAD_ID_PATTERN } from '#contract/constants.ts';
import type { SortField, UploadRecord } from '#contract/dashboard-api.ts';
import { InvalidCursorError } from './upload-store.ts';

/** Where a list page ended: the sort, and the sort value and id of the last row served. */
export interface ListCursor {
  sort: SortField;
  order: 'asc' | 'desc';
  value: number;
  id: string;
}

/** The value each sort orders by, read from the record (the id breaks ties). */
export const SORT_VALUE: Readonly<Record<SortField, (record: UploadRecord) => number>> = {
  created_at: (record) => record.upload.created_at,
  expires_at: (record) => record.upload.expires_at,
  bytes: (record) => record.upload.bytes,
  last_activity_at: (record) => record.last_activity_at,
};

// base64url JSON of [sort, order, value, id].
export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.id])).toString('base64url');
}

/** The cursor, if this server issued it for this sort and order; otherwise InvalidCursorError. */
export function decodeListCursor(raw: string, sort: SortField, order: 'asc' | 'desc'): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursorError();
  const [s, o, value, id] = parsed as unknown[];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || typeof id !== 'string' || !UPLOAD_ID_PATTERN.test(id)) {
    throw new InvalidCursorError();
  }
  if (s !== sort || o !== order) throw new InvalidCursorError('The cursor belongs to a different sort order');
  return { sort, order, value, id };
}

/** The cursor after `page`, or null when nothing follows it. */
export function nextListCursor(page: readonly UploadRecord[], hasMore: boolean, sort: SortField, order: 'asc' | 'desc'): string | null {
  const last = page.at(-1);
  return hasMore && last ? encodeListCursor({ sort, order, value: SORT_VALUE[sort](last), id: last.upload.id }) : null;
}

// The audit log pages newest first by entry id; the cursor is the last id served.
export function encodeAuditCursor(lastId: number): string {
  return String(lastId);
}

export function decodeAuditCursor(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidCursorError();
  return Number(raw);
}
