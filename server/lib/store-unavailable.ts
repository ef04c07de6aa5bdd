// Whether an error means "the database cannot be reached right now" (a replica lost PostgreSQL, the
// server restarts, the pool cannot get a connection in time), as opposed to a bug. Such a request
// is answered 503 with a retry hint (errors.ts), and the replica recovers by itself: pg's pool opens
// a new connection for the next query, the live listener reconnects.

/** Node's socket errors on the way to the database. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (the server is shutting down,
 * crashed, or starting up), 53300 (too many connections). SQLite's SQLITE_BUSY (another process
 * holds the file longer than the busy timeout) is the same "try again shortly".
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** What pg and pg-pool throw without a code when a connection dies or cannot be had. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
  /^Query read timeout/,
];

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code) || code === 'SQLITE_BUSY')) return true;
  // A host name with several addresses fails with one error per address.
  if (error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isStoreUnavailable)) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}
