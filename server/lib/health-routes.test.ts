// /healthz and /readyz, as a load balancer sees them (SQLite; the PostgreSQL side, listener and
// outage included, is in server/live/replicas-live.pg.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '#server/test-support/harness.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('health and readiness', () => {
  it('answers both without auth, with booleans only', async () => {
    h = await startHarness();
    const alive = await h.app.request('/healthz');
    expect(alive.status).toBe(200);
    expect(await alive.json()).toEqual({ ok: true });
    const ready = await h.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ ready: true, store: true, migrations: true, live: true, stopping: false });
  });

  it('is alive without asking the store, and not ready when the store does not answer', async () => {
    h = await startHarness();
    h.store.ping = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect((await h.app.request('/healthz')).status).toBe(200);
    const ready = await h.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, store: false });
  });

  it('turns not ready the moment stopping begins, before anything has closed', async () => {
    h = await startHarness();
    const stopped = h.close();
    const ready = await h.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, stopping: true });
    await stopped;
    h = null;
  });
});
