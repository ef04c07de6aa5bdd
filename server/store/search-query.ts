// What the list's `q` asks for, whatever index a store answers it with: an id or id prefix when it
// starts with `upload_`, otherwise a filename substring of any length, ignoring case.
export type SearchQuery = { kind: 'id_prefix'; prefix: string } | { kind: 'filename'; text: string };

export function parseSearch(q: string): SearchQuery {
  return /^upload_[A-Za-z0-9_-]*$/.test(q) ? { kind: 'id_prefix', prefix: q } : { kind: 'filename', text: q };
}

/** A LIKE pattern (with ESCAPE '\') that matches `text` anywhere, its own % _ and \ taken literally. */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
