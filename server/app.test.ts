import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, SERVER_ERROR_MESSAGE } from '#contract/uploads.ts';
import type { Logger } from './lib/logger.ts';
import { startHarness, type Harness } from './test-support/harness.ts';

const logged: string[] = [];
const capturing: Logger = { info: () => {}, warn: () => {}, error: (m, f) => logged.push(`${m} ${JSON.stringify(f ?? {})}`) };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ log: capturing });
});
afterAll(() => h.close());

async function expectEnvelope(res: Response, status: number, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = errorEnvelopeSchema.parse(await res.json());
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

describe('the app', () => {
  it('answers unknown routes and oversized bodies in the envelope', async () => {
    await expectEnvelope(await h.api('/api/nope'), 404, /Invalid URL \(GET \/api\/nope\)/);
    await expectEnvelope(await h.app.request('/nope'), 404, /Invalid URL \(GET \/nope\)/);
    const big = await h.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x'.repeat(100_000) }) });
    await expectEnvelope(big, 413);
    expect(big.headers.get('connection')).toBe('close');
  });

  it('sets security headers', async () => {
    const res = await h.app.request('/healthz');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers an unexpected failure with a 500 that says nothing of it, and logs it', async () => {
    const countByStatus = h.store.countByStatus.bind(h.store);
    h.store.countByStatus = () => Promise.reject(new Error('SQLITE_CORRUPT at /srv/secret/path'));
    try {
      const res = await h.api('/api/uploads');
      const error = await expectEnvelope(res, 500);
      expect(error).toEqual({ message: SERVER_ERROR_MESSAGE, type: 'server_error', param: null, code: null });
    } finally {
      h.store.countByStatus = countByStatus;
    }
    expect(logged.some((line) => line.startsWith('unhandled error') && line.includes('SQLITE_CORRUPT'))).toBe(true);
  });
});
