import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import { createConsole, type Console } from '#server/console.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { OPERATOR_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { createUploadVia, expectEnvelope } from '#server/test-support/http-checks.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ stuckAfterSeconds: 600 });
});
afterAll(() => h.close());

const createUpload = () => createUploadVia(h, 'session.jsonl');

describe('signing in and the operator check', () => {
  it('refuses every dashboard route without a session or token, in the envelope', async () => {
    for (const [method, path] of [
      ['GET', '/api/uploads'],
      ['GET', '/api/uploads/upload_abc'],
      ['POST', '/api/uploads/upload_abc/cancel'],
      ['GET', '/api/session'],
    ] as const) {
      await expectEnvelope(await h.app.request(path, { method }), 401);
    }
    await expectEnvelope(await h.app.request('/api/uploads', { headers: { authorization: 'Bearer wrong-token' } }), 401);
  });

  it('logs in by URL: sets an httpOnly SameSite=Strict cookie and drops the token from the address', async () => {
    const res = await h.app.request(`/?token=${OPERATOR_TOKEN}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/uc_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = await h.app.request('/api/session', { headers: { cookie: cookie.split(';')[0]! } });
    expect(await session.json()).toEqual({ operator: 'alice', role: 'operator', upstream: 'emulator', stuck_after_minutes: 10, history_days: 30, audit_history_days: 365 });
  });

  it('never redirects off the site after the login URL', async () => {
    const res = await h.app.request(`//evil.example/x?token=${OPERATOR_TOKEN}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
  });

  it('sends a wrong login-URL token to the login page', async () => {
    const res = await h.app.request('/?token=nope');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?error=invalid-token');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('logs in with the form, and rejects a wrong token with a clear message', async () => {
    const bad = await h.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) });
    await expectEnvelope(bad, 401, /not valid/);
    const good = await h.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: OPERATOR_TOKEN }) });
    expect(good.status).toBe(200);
    expect(good.headers.get('set-cookie')).toMatch(/uc_session=/);
    const noBody = await h.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    await expectEnvelope(noBody, 400, /JSON/);
  });

  it('refuses a cookie-authenticated cancel without the CSRF header or from another origin', async () => {
    const login = await h.app.request(`/?token=${OPERATOR_TOKEN}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const upload = await createUpload();
    const path = `/api/uploads/${upload.id}/cancel`;
    await expectEnvelope(await h.app.request(path, { method: 'POST', headers: { cookie } }), 403, /x-requested-with/);
    await expectEnvelope(
      await h.app.request(`http://localhost${path}`, { method: 'POST', headers: { cookie, 'x-requested-with': 'uploads-console', origin: 'https://evil.example' } }),
      403,
      /Cross-site/,
    );
    const ok = await h.app.request(`http://localhost${path}`, { method: 'POST', headers: { cookie, 'x-requested-with': 'uploads-console', origin: 'http://localhost' } });
    expect(ok.status).toBe(200);
  });

  it('rejects a tampered session cookie', async () => {
    const login = await h.app.request(`/?token=${OPERATOR_TOKEN}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const tampered = cookie.replace(/uc_session=[^.]+/, `uc_session=${Buffer.from('mallory').toString('base64url')}`);
    await expectEnvelope(await h.app.request('/api/uploads', { headers: { cookie: tampered } }), 401);
  });
});

describe('signing out', () => {
  it('clears the session cookie', async () => {
    const res = await h.app.request('/api/session', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/uc_session=;.*Max-Age=0/i);
  });
});

describe('the login URL', () => {
  it('is no way into /api or /v1: a token in their query signs nobody in', async () => {
    for (const path of ['/api/uploads', '/v1/uploads']) {
      const res = await h.app.request(`${path}?token=${OPERATOR_TOKEN}`);
      await expectEnvelope(res, 401);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('failed sign-in attempts behind a load balancer', () => {
  /** A console whose requests all come from `peer` (the balancer, or a client reaching it directly). */
  async function consoleBehind(trustProxy: string | null): Promise<Console> {
    return createConsole({
      databasePath: ':memory:',
      upstream: { kind: 'emulator', apiKey: 'sk-emulator-limits-0123456789', dataDir: null },
      upstreamTimeoutMs: 3000,
      operators: [{ name: 'alice', token: OPERATOR_TOKEN }],
      clients: [],
      log: silentLogger,
      trustProxy,
      intervals: { expirySweepMs: null, reconcileMs: null },
      drainTimeoutMs: 0,
    });
  }
  const signIn = (uc: Console, token: string, peer: string, forwardedFor?: string) =>
    uc.app.request(
      '/api/session',
      { method: 'POST', headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) }, body: JSON.stringify({ token }) },
      { incoming: { socket: { remoteAddress: peer } } },
    );

  it('with TRUST_PROXY off, counts by the socket peer: a client-sent X-Forwarded-For buys no fresh attempts', async () => {
    const uc = await consoleBehind(null);
    try {
      for (let i = 0; i < 10; i++) expect((await signIn(uc, `guess-${i}`, '203.0.113.9', `198.51.100.${i}`)).status).toBe(401);
      expect((await signIn(uc, OPERATOR_TOKEN, '203.0.113.9', '198.51.100.200')).status).toBe(429);
      // Another peer is another count.
      expect((await signIn(uc, OPERATOR_TOKEN, '203.0.113.10')).status).toBe(200);
    } finally {
      await uc.stop();
    }
  });

  it('with TRUST_PROXY naming the balancer, counts by the client it reports, not by the balancer', async () => {
    const uc = await consoleBehind('loopback');
    try {
      // nginx appends the address it saw; what the attacker wrote before it does not count.
      for (let i = 0; i < 10; i++) expect((await signIn(uc, `guess-${i}`, '127.0.0.1', `10.9.9.${i}, 203.0.113.66`)).status).toBe(401);
      const blocked = await signIn(uc, OPERATOR_TOKEN, '127.0.0.1', '203.0.113.66');
      expect(blocked.status).toBe(429);
      expect(errorEnvelopeSchema.parse(await blocked.json()).error.code).toBe('too_many_sign_in_attempts');
      // Everyone else behind the same balancer still signs in.
      expect((await signIn(uc, OPERATOR_TOKEN, '127.0.0.1', '203.0.113.67')).status).toBe(200);
      expect((await signIn(uc, OPERATOR_TOKEN, '127.0.0.1')).status).toBe(200);
    } finally {
      await uc.stop();
    }
  });
});
