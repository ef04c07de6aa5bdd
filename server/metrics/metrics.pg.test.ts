// Two consoles on one PostgreSQL database, as replicas behind a balancer: whichever one
// Prometheus scrapes reports the same upload gauges, read from the shared store, while the
// per-replica counters stay each replica's own.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole, type Console, type ConsoleConfig } from '#server/console.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { createTestDatabase, testPostgres, type TestDatabase } from '#server/test-support/postgres.ts';
import { parsePrometheusText, type Scrape } from '#server/test-support/prometheus-text.ts';

const server = testPostgres();
const OPERATOR_TOKEN = 'metrics-pg-operator-token-0123456789';
const CLIENT_TOKEN = 'metrics-pg-client-token-0123456789';
const METRICS_TOKEN = 'metrics-pg-metrics-token-0123456789';
const EMULATOR_KEY = 'sk-emulator-metrics-pg-0123456789';

interface Replica {
  uc: Console;
  origin: string;
}

async function startReplica(url: string, upstream: ConsoleConfig['upstream']): Promise<Replica> {
  const uc = await createConsole({
    databasePath: ':memory:',
    databaseUrl: url,
    upstream,
    upstreamTimeoutMs: 3_000,
    operators: [{ name: 'alice', token: OPERATOR_TOKEN }],
    clients: [{ name: 'sdk', token: CLIENT_TOKEN }],
    log: silentLogger,
    intervals: { expirySweepMs: null, reconcileMs: null, countsMs: 50 },
    drainTimeoutMs: 0,
    metricsToken: METRICS_TOKEN,
  });
  try {
    await uc.start();
    const { origin } = await uc.listen({ port: 0, host: '127.0.0.1' });
    return { uc, origin };
  } catch (error) {
    await uc.stop();
    throw error;
  }
}

async function scrape(replica: Replica): Promise<Scrape> {
  const res = await fetch(`${replica.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

const gauges = (s: Scrape) => ({
  uploads: Object.fromEntries(s.series('uploads_console_uploads').map((x) => [x.labels.status, x.value])),
  stuck: s.value('uploads_console_uploads_stuck'),
  bulk: s.value('uploads_console_bulk_jobs_running'),
});

describe.skipIf(!server)('metrics of replicas on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startReplica(db.url, { kind: 'emulator', apiKey: EMULATOR_KEY, dataDir: null });
    b = await startReplica(db.url, { kind: 'remote', baseUrl: a.uc.emulator!.url, apiKey: EMULATOR_KEY });
  });
  afterAll(async () => {
    await b?.uc.stop();
    await a?.uc.stop();
    await db?.drop();
  });

  it('report the same upload gauges from either replica, whichever one took the traffic', async () => {
    expect(gauges(await scrape(a))).toEqual(gauges(await scrape(b)));
    // All the traffic goes through replica A.
    const sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${a.origin}/v1`, maxRetries: 0 });
    const spec = (filename: string) => ({ filename, purpose: 'batch' as const, bytes: 1, mime_type: 'application/jsonl' });
    await sdk.uploads.create(spec('one.jsonl'));
    await sdk.uploads.create(spec('two.jsonl'));
    await sdk.uploads.cancel((await sdk.uploads.create(spec('three.jsonl'))).id);

    const expected = { uploads: { pending: 2, completed: 0, cancelled: 1, expired: 0 }, stuck: 0, bulk: 0 };
    // Each replica reuses its last store read for a second: wait for the new one.
    await eventually(async () => expect(gauges(await scrape(b))).toEqual(expected), 5_000, 200);
    await eventually(async () => expect(gauges(await scrape(a))).toEqual(expected), 5_000, 200);

    // What happens on a replica is counted there: B passed nothing through.
    const requests = (s: Scrape) => s.series('uploads_console_pass_through_requests_total').reduce((sum, x) => sum + x.value, 0);
    expect(requests(await scrape(a))).toBe(4);
    expect(requests(await scrape(b))).toBe(0);
    expect((await scrape(b)).value('uploads_console_store_query_duration_seconds_count', { method: 'countByStatus' })).toBeGreaterThan(0);
  });
});
