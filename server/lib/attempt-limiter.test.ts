import { describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import { OPERATOR_TOKEN, startHarness } from '#server/test-support/harness.ts';
import { memoryAttemptLimiters } from './attempt-limiter.ts';

describe('failed-attempt limits in memory', () => {
  it('blocks an address after the limit, for the rest of its window, and counts operators and clients apart', async () => {
    const limits = memoryAttemptLimiters({ points: 3, durationSeconds: 1 });
    for (let i = 0; i < 3; i++) {
      expect(await limits.operators.blockedFor('a')).toBe(0);
      await limits.operators.fail('a');
    }
    const wait = await limits.operators.blockedFor('a');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(await limits.operators.blockedFor('b')).toBe(0);
    expect(await limits.clients.blockedFor('a')).toBe(0);
    // Failing again while blocked is no error.
    await limits.operators.fail('a');
    await new Promise((resolve) => setTimeout(resolve, wait + 50));
    expect(await limits.operators.blockedFor('a')).toBe(0);
    await limits.close();
  });
});

describe('sign-in rate limiting', () => {
  it('refuses every token from an address after ten failed attempts, the right one included', async () => {
    const h = await startHarness();
    try {
      const login = (token: string) => h.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).status).toBe(401);
      const blocked = await login(OPERATOR_TOKEN);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(errorEnvelopeSchema.parse(await blocked.json()).error.code).toBe('too_many_sign_in_attempts');
      // Bearer tokens and the login URL share the count; the pass-through keeps its own, so a
      // client with a stale token cannot lock operators out, nor the other way round.
      expect((await h.app.request('/api/uploads', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).status).toBe(429);
      expect((await h.app.request(`/?token=${OPERATOR_TOKEN}`)).headers.get('location')).toBe('/login?error=too-many-attempts');
      expect((await h.v1('/uploads/upload_abc/cancel')).status).toBe(404);
      for (let i = 0; i < 10; i++) expect((await h.app.request('/v1/uploads/upload_abc/cancel', { method: 'POST', headers: { authorization: `Bearer stale-${i}` } })).status).toBe(401);
      expect((await h.v1('/uploads/upload_abc/cancel')).status).toBe(429);
    } finally {
      await h.close();
    }
  });
});
