// The demo data, made through the embedded emulator as `npm start` makes it: several clients own
// the uploads, and each of them owns some of the stuck ones, so the demo shows whose they are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole, type Console } from '#server/console.ts';
import { unixSeconds } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { DEMO_CLIENTS, DEMO_UPLOADS } from './seed-demo-data.ts';

let demo: Console;
beforeAll(async () => {
  demo = await createConsole({
    databasePath: ':memory:',
    upstream: { kind: 'emulator', apiKey: 'sk-demo-tests-0123456789abcdef', dataDir: null },
    upstreamTimeoutMs: 5000,
    operators: [{ name: 'admin', token: 'demo-operator-token-0123456789' }],
    clients: [],
    log: silentLogger,
    intervals: { expirySweepMs: null, reconcileMs: null },
    demo: { seed: true, size: 0, traffic: false },
  });
  await demo.start();
}, 60_000);
afterAll(() => demo.stop());

describe('the demo data', () => {
  it('is made by three clients with their software, and every one of them owns stuck uploads', async () => {
    const now = unixSeconds(demo.clock);
    const clients = await demo.store.countByClient(now);
    expect(clients.map((c) => c.name)).toEqual(Object.values(DEMO_CLIENTS).map((c) => c.name).sort());
    expect(clients.reduce((n, c) => n + c.total, 0)).toBe(DEMO_UPLOADS.length);
    for (const client of clients) expect(client.stuck, client.name).toBeGreaterThan(0);
    const stuck = await demo.store.listUploads({ stuck: true, limit: 100 }, now);
    expect(new Set(stuck.data.map((r) => r.client?.sdk))).toEqual(new Set(Object.values(DEMO_CLIENTS).map((c) => c.sdk)));
  });
});
