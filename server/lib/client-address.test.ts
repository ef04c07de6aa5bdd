import { describe, expect, it } from 'vitest';
import { parseTrustProxy, resolveClientAddress } from './client-address.ts';

describe('the client address behind proxies', () => {
  it('is the socket peer while TRUST_PROXY is off, whatever X-Forwarded-For a client sends', () => {
    for (const off of [undefined, '', 'false', '0']) {
      const trust = parseTrustProxy(off);
      expect(trust).toBeNull();
      expect(resolveClientAddress('203.0.113.9', '198.51.100.1', trust)).toBe('203.0.113.9');
    }
  });

  it('walks X-Forwarded-For from the right past trusted proxies only, so a forged entry on the left changes nothing', () => {
    const trust = parseTrustProxy('loopback');
    // nginx on the same host appends the address it saw: the client wrote "1.1.1.1" itself.
    expect(resolveClientAddress('127.0.0.1', '1.1.1.1, 203.0.113.7', trust)).toBe('203.0.113.7');
    expect(resolveClientAddress('127.0.0.1', '203.0.113.7', trust)).toBe('203.0.113.7');
    // A peer that is not a trusted proxy is the client, header or not.
    expect(resolveClientAddress('203.0.113.9', '1.1.1.1', trust)).toBe('203.0.113.9');
    expect(resolveClientAddress('127.0.0.1', undefined, trust)).toBe('127.0.0.1');
  });

  it('takes CIDR lists and hop counts with Express semantics', () => {
    const lan = parseTrustProxy('10.0.0.0/8, 192.168.0.1');
    expect(resolveClientAddress('10.1.2.3', '203.0.113.7, 192.168.0.1', lan)).toBe('203.0.113.7');
    const oneHop = parseTrustProxy('1');
    expect(resolveClientAddress('10.1.2.3', '1.1.1.1, 203.0.113.7', oneHop)).toBe('203.0.113.7');
    const twoHops = parseTrustProxy('2');
    expect(resolveClientAddress('10.1.2.3', '1.1.1.1, 203.0.113.7', twoHops)).toBe('1.1.1.1');
  });

  it('refuses "trust everyone" and what is not an address', () => {
    expect(() => parseTrustProxy('true')).toThrow(/any client can write/);
    expect(() => parseTrustProxy('the-balancer')).toThrow(/must be off, a hop count/);
    expect(() => parseTrustProxy('999')).toThrow(/at most 32/);
  });
});
