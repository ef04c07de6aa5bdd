// The client's address, as the failed-attempt limits key it. Behind a load balancer the socket
// peer is the balancer itself: keyed by it, one client guessing tokens would lock everyone out.
// TRUST_PROXY names the proxies whose X-Forwarded-For is believed, with Express's semantics (the
// proxy-addr package): the header is walked from the right, past trusted hops only, so a client
// cannot choose its own key by sending the header itself. Off (the default), the header changes
// nothing.
import proxyaddr from 'proxy-addr';

/** Whether the hop at `address` (0 = the socket peer, then X-Forwarded-For from the right) is a trusted proxy. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Parses TRUST_PROXY: empty or `false` (off), a hop count (`1`: the peer is the one proxy), or a
 * comma-separated list of addresses, CIDR ranges and the names `loopback`, `linklocal`,
 * `uniquelocal` (e.g. `loopback` for an nginx on the same host, `10.0.0.0/8`). Throws a plain
 * message for anything else. `true` ("trust everyone") is refused on purpose: it would take the
 * leftmost address, the one any client can write.
 */
export function parseTrustProxy(value: string | undefined | null): TrustProxy | null {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return null;
  if (text === 'true') throw new Error('"true" would trust an X-Forwarded-For any client can write: name the proxies (e.g. loopback, 10.0.0.0/8) or give a hop count');
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error('a hop count must be at most 32');
    return (_address, hop) => hop < hops;
  }
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    return proxyaddr.compile(entries);
  } catch (error) {
    throw new Error(`must be off, a hop count, or addresses / CIDR ranges / loopback, linklocal, uniquelocal (${(error as Error).message})`, { cause: error });
  }
}

/** The client's address: the socket peer, or with trusted proxies the first untrusted hop of X-Forwarded-For. */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | undefined, trust: TrustProxy | null): string {
  if (!peer) return 'unknown';
  if (!trust || !forwardedFor) return peer;
  // proxy-addr reads only these two fields of the request.
  const request = { socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': forwardedFor } } as unknown as Parameters<typeof proxyaddr>[0];
  return proxyaddr(request, trust);
}
