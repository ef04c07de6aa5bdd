// Operator authentication for the dashboard and its API: a signed session cookie (set by the
// login URL or the login form) or `Authorization: Bearer <token>` for scripts.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Role } from '#contract/dashboard-api.ts';

export interface Operator {
  name: string;
  role: Role;
}

export interface OperatorDirectory {
  /** Finds the operator a token belongs to, comparing in constant time. */
  findByToken(token: string): Operator | null;
  /** Signs and verifies session cookie values. */
  sessions: SessionSigner;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface NamedToken {
  name: string;
  token: string;
}

export interface OperatorToken extends NamedToken {
  /** Default: a full operator. */
  role?: Role;
}

/**
 * Finds whose a token is. Fixed-length digests are compared, every entry every time, so neither
 * the length nor the content of a token leaks through timing.
 */
export function createTokenMatcher(entries: readonly NamedToken[]): (token: string) => string | null {
  const hashed = entries.map((entry) => ({ name: entry.name, hash: digest(entry.token) }));
  return (token) => {
    const candidate = digest(token);
    let found: string | null = null;
    for (const entry of hashed) if (timingSafeEqual(candidate, entry.hash)) found = entry.name;
    return found;
  };
}

/** Parses `name:token,token2,…` lists; an entry without a name is called `<prefix>-<n>`. */
export function parseTokenList(list: string, prefix: string): NamedToken[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      return colon > 0 ? { name: entry.slice(0, colon), token: entry.slice(colon + 1) } : { name: `${prefix}-${i + 1}`, token: entry };
    });
}

/** Parses OPERATORS: `name:token` (full operator) or `name:token:read-only`, comma-separated. */
export function parseOperators(list: string): OperatorToken[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, token, role, ...rest] = entry.split(':');
      if (!name || !token || rest.length > 0 || (role !== undefined && role !== 'read-only')) {
        throw new Error(`each entry must be name:token or name:token:read-only (got ${JSON.stringify(name ?? entry)}…)`);
      }
      return { name, token, role: role === 'read-only' ? 'read_only' : 'operator' };
    });
}

export function createOperatorDirectory(entries: OperatorToken[], sessionTtlSeconds = 12 * 3600): OperatorDirectory {
  const match = createTokenMatcher(entries);
  const byName = new Map(entries.map((e) => [e.name, { name: e.name, role: e.role ?? 'operator' } satisfies Operator]));
  // Sessions are signed with a key derived from the tokens: changing a token ends its sessions.
  const key = digest(`uploads-console-session:${entries.map((e) => `${e.name}=${e.token}`).join('\n')}`);
  return {
    findByToken(token) {
      const name = match(token);
      return name === null ? null : (byName.get(name) ?? null);
    },
    sessions: new SessionSigner(key, sessionTtlSeconds, (name) => byName.get(name) ?? null),
  };
}

/** Session cookie values: `<operator>.<issued-at>.<hmac>`; nothing is kept server-side. */
export class SessionSigner {
  constructor(
    private readonly key: Buffer,
    readonly ttlSeconds: number,
    private readonly lookup: (name: string) => Operator | null,
  ) {}

  sign(operator: Operator, nowSeconds: number): string {
    const payload = `${Buffer.from(operator.name).toString('base64url')}.${nowSeconds}`;
    return `${payload}.${this.mac(payload)}`;
  }

  verify(value: string, nowSeconds: number): Operator | null {
    const parts = value.split('.');
    if (parts.length !== 3) return null;
    const [name64, issued, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${name64}.${issued}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const issuedAt = Number(issued);
    if (!Number.isInteger(issuedAt) || nowSeconds - issuedAt > this.ttlSeconds || issuedAt - nowSeconds > 60) return null;
    // The role is looked up now, not signed into the cookie: demoting an operator takes effect at once.
    return this.lookup(Buffer.from(name64, 'base64url').toString());
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
