// Every dashboard route needs an operator; client and operator tokens do not open each other's
// doors; the upstream key never leaves the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import { createUpstreamClient } from './upstream/openai-client.ts';
import { CLIENT_TOKEN, EMULATOR_KEY, OPERATOR_TOKEN, startHarness, type Harness } from './test-support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Every concrete API route the app registered, read from the app itself so none is missed. */
function apiRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return h.app.routes
    .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => ({ method: r.method, path: r.path.replace(':id', 'upload_abc123') }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

describe('operator authentication', () => {
  it('guards every /api route except signing in', async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(12);
    const open = routes.filter((r) => r.path === '/api/session' && r.method !== 'GET');
    for (const route of routes.filter((r) => !open.includes(r))) {
      const res = await h.app.request(route.path, { method: route.method, headers: { 'content-type': 'application/json' }, body: route.method === 'GET' ? undefined : '{}' });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect(errorEnvelopeSchema.safeParse(await res.json()).success).toBe(true);
    }
  });

  it('does not let a client token use the dashboard API, nor an operator token the pass-through', async () => {
    expect((await h.app.request('/api/uploads', { headers: { authorization: `Bearer ${CLIENT_TOKEN}` } })).status).toBe(401);
    expect((await h.app.request('/v1/uploads/upload_abc/cancel', { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).status).toBe(401);
  });

  it('does not accept the OpenAI key from a client', async () => {
    expect((await h.app.request('/v1/uploads/upload_abc/cancel', { method: 'POST', headers: { authorization: `Bearer ${EMULATOR_KEY}` } })).status).toBe(401);
    expect((await h.app.request('/api/uploads', { headers: { authorization: `Bearer ${EMULATOR_KEY}` } })).status).toBe(401);
  });
});

describe('the upstream key', () => {
  it('never appears in an answer, even when OpenAI rejects it and quotes it', async () => {
    const key = 'sk-proj-VERYSECRET0123456789abcdefWXYZ';
    const rejected = await startHarness({ upstream: (url) => createUpstreamClient({ baseUrl: url, apiKey: key, timeoutMs: 1000 }) });
    try {
      for (const res of [
        await rejected.api('/api/uploads/upload_abc123/cancel', { method: 'POST' }),
        await rejected.v1('/uploads/upload_abc123/cancel'),
        await rejected.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: '{}' }),
      ]) {
        expect(res.status).toBe(502);
        const text = await res.text();
        // Neither the key nor OpenAI's redacted quote of it ("sk-proj-********WXYZ").
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.slice(0, 8));
        expect(text).not.toContain(key.slice(-4));
      }
    } finally {
      await rejected.close();
    }
  });
});

describe('behind a TLS-terminating proxy (PUBLIC_ORIGIN)', () => {
  it('marks the session cookie Secure, and checks Origin against the public origin', async () => {
    const proxied = await startHarness({ publicOrigin: 'https://console.example.com' });
    try {
      const login = await proxied.app.request(`/?token=${OPERATOR_TOKEN}`);
      const setCookie = login.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/;\s*Secure/i);
      const cookie = setCookie.split(';')[0]!;
      const created = await proxied.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'tls.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' }) });
      const { id } = (await created.json()) as { id: string };
      // Node sees http://localhost; the browser says https://console.example.com.
      const cancel = async (origin: string) => await proxied.app.request(`http://localhost/api/uploads/${id}/cancel`, { method: 'POST', headers: { cookie, 'x-requested-with': 'uploads-console', origin } });
      expect((await cancel('http://localhost')).status).toBe(403);
      expect((await cancel('https://evil.example')).status).toBe(403);
      expect((await cancel('https://console.example.com')).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});
