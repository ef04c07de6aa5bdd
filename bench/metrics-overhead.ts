// What the metrics cost a pass-through request (`npx tsx bench/metrics-overhead.ts [--quick] [--only hot|server]`;
// not part of `npm run bench`). Two measurements:
//   1. the instrumentation's own hot path, in this process: the /v1 middleware (route template +
//      counter), the timed upstream call and the timed store write of one pass-through cancel,
//      against the same calls unwrapped (CPU ns per request, so waiting for a core does not count);
//   2. the real server (server/index.ts, SQLite in memory, embedded emulator) with and without
//      METRICS_TOKEN, autocannon sending `POST /v1/uploads/<unknown id>/cancel` (forwarded,
//      answered 404 and audited), in alternating rounds: requests/s and CPU ms per request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsoleMetrics } from '#server/metrics/console-metrics.ts';
import { instrumentStore } from '#server/metrics/instrument-store.ts';
import { instrumentUpstream } from '#server/metrics/instrument-upstream.ts';
import { passThroughRoute } from '#server/metrics/metrics-routes.ts';
import { freePort, startServerProcess, type ServerProcess } from '#server/test-support/server-process.ts';
import type { CancelWritten, UploadStore } from '#server/store/upload-store.ts';
import type { ForwardResponse, UpstreamClient } from '#server/upstream/openai-client.ts';
import { cpuSeconds } from './lib/child.ts';
import { load } from './lib/load.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const quick = values.quick;

async function hotPath(): Promise<void> {
  const metrics = createConsoleMetrics();
  const answer: ForwardResponse = { status: 404, headers: {}, body: Buffer.alloc(0) };
  const written = { record: null, audit: { outcome: 'not_found', source: 'pass_through' }, changed: false } as unknown as CancelWritten;
  // Answer at once, so only the wrapping is measured.
  const client = { forward: () => Promise.resolve(answer) } as unknown as UpstreamClient;
  const store = { recordCancelOutcome: () => Promise.resolve(written) } as unknown as UploadStore;
  const timedClient = instrumentUpstream(client, metrics);
  const timedStore = instrumentStore(store, metrics);
  const path = '/v1/uploads/upload_00000000000000000000000000000000/cancel';
  const request = { path: path.slice(3), headers: {}, body: null };
  const plain = async () => {
    await client.forward(request);
    await store.recordCancelOutcome(null as never);
  };
  const instrumented = async () => {
    await timedClient.forward(request);
    await timedStore.recordCancelOutcome(null as never);
    metrics.passThroughAnswered(passThroughRoute(path), 404);
  };
  const n = quick ? 200_000 : 2_000_000;
  const time = async (f: () => Promise<void>) => {
    for (let i = 0; i < n / 10; i++) await f();
    // CPU time, not wall time: on a shared machine the time this process waits for a core is not its cost.
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) await f();
    const used = process.cpuUsage(started);
    return ((used.user + used.system) * 1000) / n;
  };
  const results: number[] = [];
  for (let round = 0; round < 3; round++) results.push((await time(instrumented)) - (await time(plain)));
  results.sort((a, b) => a - b);
  console.log(`hot path: the instrumentation adds ${results[1]!.toFixed(0)} ns of CPU per pass-through cancel (median of 3 rounds: ${results.map((r) => r.toFixed(0)).join(', ')} ns)`);
}

const scratch = mkdtempSync(join(tmpdir(), 'uc-bench-metrics-'));

async function server(metricsToken: string | null): Promise<ServerProcess> {
  return startServerProcess(
    {
      DATABASE_PATH: ':memory:',
      // Each server's embedded emulator keeps its state here, not in the working directory.
      EMULATOR_DATA_DIR: mkdtempSync(join(scratch, 'server-')),
      ADMIN_TOKEN: 'bench-metrics-admin-token-0123456789',
      CLIENT_TOKENS: 'bench:bench-metrics-client-token-0123456789',
      ...(metricsToken ? { METRICS_TOKEN: metricsToken } : {}),
    },
    await freePort(),
  );
}

async function realServer(): Promise<void> {
  const off = await server(null);
  const on = await server('bench-metrics-scrape-token-0123456789');
  try {
    const seconds = quick ? 2 : 6;
    const rows: Record<'off' | 'on', { rps: number[]; cpuMs: number[] }> = { off: { rps: [], cpuMs: [] }, on: { rps: [], cpuMs: [] } };
    const rounds = quick ? 1 : 5;
    for (let round = 0; round < rounds; round++) {
      for (const [key, subject] of (round % 2 ? [['on', on], ['off', off]] : [['off', off], ['on', on]]) as ['off' | 'on', ServerProcess][]) {
        // A warm-up, then the measured run.
        await load({ origin: subject.origin, token: 'bench-metrics-client-token-0123456789', connections: 16, duration: 1, path: '/v1/uploads/upload_00000000000000000000000000000000/cancel', maxSeconds: 5 });
        const cpuBefore = cpuSeconds(subject.child.pid!);
        const result = await load({ origin: subject.origin, token: 'bench-metrics-client-token-0123456789', connections: 16, duration: seconds, path: '/v1/uploads/upload_00000000000000000000000000000000/cancel', maxSeconds: seconds + 5 });
        const cpu = cpuSeconds(subject.child.pid!) - cpuBefore;
        if (Object.keys(result.statuses).join() !== '404') throw new Error(`unexpected answers: ${JSON.stringify(result.statuses)}`);
        rows[key].rps.push(result.requestsPerSecond);
        rows[key].cpuMs.push((cpu * 1000) / result.responses);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const key of ['off', 'on'] as const) {
      console.log(`server, metrics ${key}: ${median(rows[key].rps).toFixed(0)} req/s, ${median(rows[key].cpuMs).toFixed(3)} CPU ms per request (rounds: ${rows[key].rps.map((r) => r.toFixed(0)).join(', ')} req/s)`);
    }
    const scrape = await fetch(`${on.origin}/metrics`, { headers: { authorization: 'Bearer bench-metrics-scrape-token-0123456789' } });
    console.log(`a scrape after the load: ${scrape.status}, ${(await scrape.text()).length} bytes`);
  } finally {
    for (const subject of [off, on]) {
      subject.child.kill('SIGTERM');
      await subject.exited;
    }
  }
}

try {
  if (values.only !== 'server') await hotPath();
  if (values.only !== 'hot') await realServer();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
