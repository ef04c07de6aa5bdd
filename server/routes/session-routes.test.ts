import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, uploadSchema, type Upload } from '#contract/uploads.ts';
import { OPERATOR_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ stuckAfterSeconds: 600 });
});
afterAll(() => h.close());

async function createUpload(): Promise<Upload> {
  const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'session.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
  expect(res.status).toBe(200);
  return uploadSchema.parse(await res.json());
}

async function expectEnvelope(res: Response, status: number, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = errorEnvelopeSchema.parse(await res.json());
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

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
    expect(await session.json()).toEqual({ operator: 'alice', role: 'operator', upstream: 'emulator', stuck_after_minutes: 10 });
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
