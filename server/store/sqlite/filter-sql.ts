// The SQL of the list, its filters and its sorts, for SQLite: named parameters, and an FTS5
// trigram index (uploads_search, see migrations.ts) for filename substrings.
import type { SortField } from '#contract/dashboard-api.ts';
import { stuckSql, type StuckRule } from '#server/domain/stuck-rule.ts';
import { decodeListCursor } from '#server/store/cursor.ts';
import { likeContaining, parseSearch } from '#server/store/search-query.ts';
import { effectiveStatusSql } from '#server/store/upload-record.ts';
import type { StoreListQuery, StoreUploadFilter } from '#server/store/upload-store.ts';

/** The column each sort orders by; each has an index with id after it (migrations.ts). */
export const SORT_COLUMN: Readonly<Record<SortField, string>> = {
  created_at: 'created_at',
  expires_at: 'expires_at',
  bytes: 'bytes',
  last_activity_at: 'last_activity_at',
};

export type SqlParams = Record<string, string | number>;

export interface FilterSql {
  where: string[];
  params: SqlParams;
}

export const PENDING_SQL = effectiveStatusSql('pending', '@now');

// The search index's rowid (migrations.ts, 'reads'): the upload's rowid in its low 31 bits, under
// the key of its created_at, which ascends as created_at descends.
const SEARCH_ROWID_BITS = 31;
const SEARCH_ROWID_MASK = 2 ** SEARCH_ROWID_BITS - 1;
const searchKeyOf = (createdAt: string) => `((4294967295 - MIN(MAX(${createdAt}, 0), 4294967295)) << ${SEARCH_ROWID_BITS})`;
const SEARCH_IN_SQL = `rowid IN (SELECT rowid & ${SEARCH_ROWID_MASK} FROM uploads_search WHERE uploads_search MATCH @q_match)`;

/**
 * `orderedBy`: the column a list walks in order (its filters then read that index and stop at the
 * page). Ordered by anything but expiry, the pending and stuck conditions name the column as
 * `+expires_at`, which no index serves: otherwise SQLite takes `status = 'pending' AND expires_at >
 * @now` as a range on uploads_by_status_expiry_id and sorts every live pending upload in a temporary
 * tree, where the (status, sort column, id) index reaches the page after a few rows. Counts keep the
 * range (it skips pending uploads past expiry that the sweep has not marked yet).
 */
export function filterSql(filter: StoreUploadFilter, now: number, stuckRule: StuckRule, orderedBy?: string): FilterSql {
  const where: string[] = [];
  const params: SqlParams = { now, stuck_after: filter.stuck_after_seconds ?? stuckRule.afterSeconds };
  const expiresAt = orderedBy === undefined || orderedBy === 'expires_at' ? 'expires_at' : '+expires_at';
  const stuck = stuckSql({ now: '@now', stuckAfter: '@stuck_after', expiresAt });
  if (filter.status) where.push(effectiveStatusSql(filter.status, '@now', filter.status === 'pending' ? expiresAt : undefined));
  if (filter.stuck === true) where.push(stuck);
  if (filter.stuck === false) where.push(`NOT ${stuck}`);
  if (filter.cancel_unknown === false) where.push('cancel_unknown_since IS NULL');
  if (filter.purpose) {
    where.push('purpose = @purpose');
    params.purpose = filter.purpose;
  }
  if (filter.client) {
    where.push('client_name = @client');
    params.client = filter.client;
  }
  if (filter.older_than !== undefined) {
    where.push('created_at <= @older_cutoff');
    params.older_cutoff = now - filter.older_than;
  }
  if (filter.newer_than !== undefined) {
    where.push('created_at >= @newer_cutoff');
    params.newer_cutoff = now - filter.newer_than;
  }
  if (filter.created_after !== undefined) {
    where.push('created_at >= @created_after');
    params.created_after = filter.created_after;
  }
  if (filter.created_before !== undefined) {
    where.push('created_at < @created_before');
    params.created_before = filter.created_before;
  }
  if (filter.q) {
    const search = parseSearch(filter.q);
    if (search.kind === 'id_prefix') {
      // A range on the primary key; ids compare as bytes here (BINARY collation).
      where.push('id >= @q_from AND id < @q_to');
      params.q_from = search.prefix;
      params.q_to = `${search.prefix}\u{10FFFF}`;
    } else if ([...search.text].length >= 3) {
      // The trigram index finds substrings of three characters or more, case-insensitively;
      // quoted as one FTS5 string, so its own syntax (quotes, operators) is taken literally.
      where.push(SEARCH_IN_SQL);
      params.q_match = `"${search.text.replaceAll('"', '""')}"`;
    } else {
      // Shorter than a trigram: a scan. LIKE ignores the case of ASCII letters only.
      where.push("filename LIKE @q_like ESCAPE '\\'");
      params.q_like = likeContaining(search.text);
    }
  }
  return { where, params };
}

const whereClause = (where: readonly string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * The statement listUploads runs for a query, with its parameters, and how many rows to read from
 * it (`take`: one more than the limit, to know whether more follow). `newestMatches`: the statement
 * yields a search's matches in the search index's order, to be read with firstMatches() (it has no
 * LIMIT of its own).
 */
export function listUploadsSql(query: StoreListQuery, now: number, stuckRule: StuckRule): { sql: string; params: SqlParams; take: number; newestMatches: boolean } {
  const sort = query.sort ?? 'created_at';
  const order = query.order ?? 'desc';
  const column = SORT_COLUMN[sort];
  const { where, params } = filterSql(query, now, stuckRule, column);
  // A search with no other filter, newest first (the dashboard's search box): read in the index's order.
  const searchOnly = sort === 'created_at' && order === 'desc' && where.length === 1 && where[0] === SEARCH_IN_SQL;
  if (query.cursor !== undefined) {
    const cursor = decodeListCursor(query.cursor, sort, order);
    where.push(`(${column}, id) ${order === 'desc' ? '<' : '>'} (@after_value, @after_id)`);
    params.after_value = cursor.value;
    params.after_id = cursor.id;
  }
  const take = query.limit + 1;
  if (searchOnly) return { sql: newestMatchesSql(where.slice(1)), params, take, newestMatches: true };
  params.limit = take;
  const sql = `SELECT rowid, * FROM uploads ${whereClause(where)} ORDER BY ${column} ${order}, id ${order} LIMIT @limit`;
  return { sql, params, take, newestMatches: false };
}

/**
 * A newest-first filename search, read from the search index in its own order (newest first by
 * created_at, to the second; SEARCH_SECOND is that second's part of the key) instead of producing
 * every match and sorting them. Ties within a second are not in (created_at, id) order there:
 * firstMatches() sorts them. With other filters too, a rare combination would walk every match,
 * so those keep the plain form (SEARCH_IN_SQL).
 */
function newestMatchesSql(cursor: readonly string[]): string {
  const where = [
    `s.uploads_search MATCH @q_match`,
    ...(cursor.length ? [`s.rowid >= ${searchKeyOf('@after_value')}`, ...cursor] : []),
  ].join(' AND ');
  return `SELECT s.rowid >> ${SEARCH_ROWID_BITS} AS ${SEARCH_SECOND}, uploads.rowid, uploads.* FROM uploads_search s
    JOIN uploads ON uploads.rowid = s.rowid & ${SEARCH_ROWID_MASK} WHERE ${where} ORDER BY s.rowid`;
}

const SEARCH_SECOND = 'search_second';

/**
 * The first `count` rows of a newestMatchesSql() statement in (created_at, id) newest-first order:
 * reads `count` matches, then the rest of the last one's second, and stops there (one pass over
 * the index, no temporary sort of every match).
 */
export function firstMatches<Row extends { created_at: number; id: string }>(matches: IterableIterator<unknown>, count: number): Row[] {
  // Each row keeps its SEARCH_SECOND column: the records built from rows pick their fields.
  const rows: Row[] = [];
  let lastSecond: number | undefined;
  for (const match of matches as IterableIterator<Row & { [SEARCH_SECOND]: number }>) {
    if (rows.length >= count && match[SEARCH_SECOND] !== lastSecond) break; // leaving the loop resets the statement
    rows.push(match);
    if (rows.length === count) lastSecond = match[SEARCH_SECOND];
  }
  rows.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return rows.slice(0, count);
}

export function pendingIdsSql(filter: StoreUploadFilter, now: number, stuckRule: StuckRule, limit: number): { sql: string; params: SqlParams } {
  const { where, params } = filterSql(filter, now, stuckRule);
  if (filter.status === undefined) where.push(PENDING_SQL);
  params.limit = limit;
  return { sql: `SELECT id FROM uploads ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT @limit`, params };
}

export function countMatchingSql(filter: StoreUploadFilter, now: number, stuckRule: StuckRule): { sql: string; params: SqlParams } {
  const { where, params } = filterSql(filter, now, stuckRule);
  return { sql: `SELECT COUNT(*) AS total, COALESCE(SUM(${PENDING_SQL}), 0) AS cancellable FROM uploads ${whereClause(where)}`, params };
}
