// Load: the dashboard's list API and the pass-through's cancels at once, for a fixed time after a
// warm-up, on loopback, against the real server (server/index.ts in a child process: SQLite file store in
// WAL mode, embedded emulator, live feed, expiry sweep). Two streams of undici connections, one
// request in flight each:
//   (a) GET /api/uploads pages with an operator's Bearer token (first page, cursor pages, a status filter);
//   (b) POST /v1/uploads/{id}/cancel with a client token, cycling through pending uploads created
//       beforehand through /v1: the first cancel of each answers 200, later ones 400 (already
//       cancelled), both expected; half-way through, the emulator answers a batch of cancels with
//       500 (an injected fault), which the pass-through must hand back as they are.
// Afterwards it checks that nothing was lost or doubled (list and audit), and that the server's
// memory stayed flat (RSS sampled every 500 ms).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { AuditList, UploadList } from '#contract/dashboard-api.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { openStore } from '#server/store/open-store.ts';
import { cpuSeconds, readMemory } from './lib/child.ts';
import { callJson, createUploads, injectFault, startConsoleServer, type RunningConsoleServer } from './lib/console-server.ts';
import { fillUploads } from './lib/fill-uploads.ts';
import { formatNumber, median, percentile, summarize, type BenchOptions, type Row } from './lib/report.ts';

const LIST_CONNECTIONS = 20;
const CANCEL_CONNECTIONS = 20;
const SAMPLE_MS = 500;
const MEMORY_WINDOW_S = 1;
const MEMORY_TARGET = 1.2;
const MB = 1024 * 1024;

interface Sizes {
  seconds: number;
  /** Both streams run this long first, unmeasured (their answers are still checked). */
  warmupSeconds: number;
  /** Uploads already in the store (recorded directly), so list pages are real pages. */
  history: number;
  /** Pending uploads created through /v1 before the run, for the cancel stream. */
  pool: number;
  /** Likewise, for the warm-up's cancels. */
  warmupPool: number;
  /** Cancels the emulator answers with 500, injected half-way. */
  faults: number;
}

interface Stream {
  latencies: number[];
  statuses: Map<number, number>;
  /** Connection errors and timeouts. */
  failures: number;
  seconds: number;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  // Pools small enough that the cancel stream goes round them about twice: 200s first, then 400s.
  const sizes: Sizes = options.quick
    ? { seconds: 2, warmupSeconds: 0.5, history: 2_000, pool: 100, warmupPool: 30, faults: 10 }
    : { seconds: 20, warmupSeconds: 10, history: 20_000, pool: 2_000, warmupPool: 500, faults: 50 };
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-load-'));
  let server: RunningConsoleServer | null = null;
  const pools: Pool[] = [];
  try {
    const store = await openStore({ databasePath: join(dir, 'console.sqlite'), stuckRule: createStuckRule() });
    let history: string[];
    try {
      ({ ids: history } = await fillUploads(store, sizes.history, Math.floor(Date.now() / 1000), { lapsedPendingAs: 'expired' }));
    } finally {
      await store.close();
    }
    server = await startConsoleServer({ dir });
    const running = server;
    options.log(
      `load: ${sizes.history.toLocaleString('en-US')} uploads recorded; creating ${(sizes.warmupPool + sizes.pool).toLocaleString('en-US')} pending ones through /v1…`,
    );
    const warmupPool = await createUploads(running, sizes.warmupPool, 'warmup');
    const pool = await createUploads(running, sizes.pool, 'load');
    const listPaths = await listPathsToCycle(running);

    const listPool = new Pool(running.origin, { connections: LIST_CONNECTIONS, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const cancelPool = new Pool(running.origin, { connections: CANCEL_CONNECTIONS, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
    pools.push(listPool, cancelPool);
    let nextList = 0;
    const okCancels = new Map<string, number>();
    /** Both streams at once until the deadline, the cancels cycling through `ids`. */
    const streams = (ids: string[], deadline: number) => {
      let nextCancel = 0;
      return Promise.all([
        drive(listPool, LIST_CONNECTIONS, deadline, () => ({ method: 'GET', path: listPaths[nextList++ % listPaths.length]!, token: running.adminToken })),
        drive(
          cancelPool,
          CANCEL_CONNECTIONS,
          deadline,
          () => {
            const id = ids[nextCancel++ % ids.length]!;
            return { method: 'POST', path: `/v1/uploads/${id}/cancel`, token: running.clientToken, id };
          },
          (status, id) => {
            if (status === 200 && id) okCancels.set(id, (okCancels.get(id) ?? 0) + 1);
          },
        ),
      ]);
    };

    // Warm-up (JIT, V8 sizing its heap, SQLite's page cache), on a pool of its own: its answers are
    // checked like the rest, but neither timed nor part of the memory figures.
    options.log(
      `load: ${sizes.warmupSeconds} s warm-up, then ${sizes.seconds} s of list reads and pass-through cancels, ${LIST_CONNECTIONS} + ${CANCEL_CONNECTIONS} connections…`,
    );
    const warmup = await streams(warmupPool, performance.now() + sizes.warmupSeconds * 1000);

    const memory: { at: number; rss: number }[] = [];
    const pid = running.pid;
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    const sample = () => memory.push({ at: (performance.now() - started) / 1000, rss: readMemory(pid).rss });
    sample();
    const sampler = setInterval(sample, SAMPLE_MS);
    let faultError: unknown = null;
    const fault = setTimeout(() => {
      injectFault(running, { operation: 'cancel', status: 500, count: sizes.faults }).catch((error: unknown) => (faultError = error));
    }, (sizes.seconds * 1000) / 2);
    const [list, cancel] = await streams(pool, started + sizes.seconds * 1000);
    clearTimeout(fault);
    clearInterval(sampler);
    sample();
    const serverCpu = cpuSeconds(pid) - cpuBefore;
    if (faultError) throw faultError;
    options.log(`load: done; checking the records…`);

    const records = await checkRecords(running, [...history, ...warmupPool, ...pool], [...warmupPool, ...pool], okCancels);
    return rowsFor({ sizes, list, cancel, warmup, records, memory, serverCpu, listPaths: listPaths.length });
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `connections` loops, one request in flight each, until the deadline. */
async function drive(
  pool: Pool,
  connections: number,
  deadline: number,
  next: () => { method: 'GET' | 'POST'; path: string; token: string; id?: string },
  onAnswer?: (status: number, id: string | undefined) => void,
): Promise<Stream> {
  const stream: Stream = { latencies: [], statuses: new Map(), failures: 0, seconds: 0 };
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < deadline) {
      const call = next();
      const sent = performance.now();
      try {
        const response = await pool.request({ method: call.method, path: call.path, headers: { authorization: `Bearer ${call.token}` } });
        await response.body.dump();
        stream.latencies.push(performance.now() - sent);
        stream.statuses.set(response.statusCode, (stream.statuses.get(response.statusCode) ?? 0) + 1);
        onAnswer?.(response.statusCode, call.id);
      } catch {
        stream.failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  stream.seconds = (performance.now() - started) / 1000;
  return stream;
}

/** The first page, the next nine by cursor, and the pending tab's first page. */
async function listPathsToCycle(server: RunningConsoleServer): Promise<string[]> {
  const paths = ['/api/uploads?limit=100'];
  for (let page = 2; page <= 10; page++) {
    const body: UploadList = await callJson<UploadList>(server, paths.at(-1)!);
    const cursor = body.next_cursor;
    if (!cursor) break;
    paths.push(`/api/uploads?limit=100&cursor=${encodeURIComponent(cursor)}`);
  }
  paths.push('/api/uploads?limit=100&status=pending');
  return paths;
}

interface RecordCheck {
  listed: number;
  created: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  /** Uploads whose cancel answered 200. */
  cancelledOk: number;
  /** Of those, how many do not read cancelled. */
  notCancelled: number;
  /** Uploads whose cancel answered 200 more than once. */
  cancelledTwice: number;
  auditEntries: number;
  /** Uploads whose count of 'cancelled' pass_through audit entries differs from their count of 200s. */
  auditMismatches: number;
}

async function checkRecords(server: RunningConsoleServer, created: string[], pool: string[], okCancels: Map<string, number>): Promise<RecordCheck> {
  const seen = new Map<string, { status: string; times: number }>();
  let cursor: string | null = null;
  do {
    const path: string = `/api/uploads?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: UploadList = await callJson<UploadList>(server, path);
    for (const record of page.data) {
      const entry = seen.get(record.upload.id);
      if (entry) entry.times++;
      else seen.set(record.upload.id, { status: record.status, times: 1 });
    }
    cursor = page.next_cursor;
  } while (cursor);
  const createdSet = new Set(created);

  const audited = new Map<string, number>();
  let auditEntries = 0;
  cursor = null;
  do {
    const path: string = `/api/audit?source=pass_through&outcome=cancelled&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: AuditList = await callJson<AuditList>(server, path);
    for (const entry of page.data) {
      auditEntries++;
      audited.set(entry.upload_id, (audited.get(entry.upload_id) ?? 0) + 1);
    }
    cursor = page.next_cursor;
  } while (cursor);

  let notCancelled = 0;
  let cancelledTwice = 0;
  for (const [id, times] of okCancels) {
    if (seen.get(id)?.status !== 'cancelled') notCancelled++;
    if (times > 1) cancelledTwice++;
  }
  const auditIds = new Set([...pool, ...audited.keys()]);
  const auditMismatches = [...auditIds].filter((id) => (audited.get(id) ?? 0) !== (okCancels.get(id) ?? 0)).length;
  return {
    listed: seen.size,
    created: created.length,
    missing: created.filter((id) => !seen.has(id)).length,
    duplicated: [...seen.values()].filter((entry) => entry.times > 1).length,
    unexpected: [...seen.keys()].filter((id) => !createdSet.has(id)).length,
    cancelledOk: okCancels.size,
    notCancelled,
    cancelledTwice,
    auditEntries,
    auditMismatches,
  };
}

function rowsFor({
  sizes,
  list,
  cancel,
  warmup,
  records,
  memory,
  serverCpu,
  listPaths,
}: {
  sizes: Sizes;
  list: Stream;
  cancel: Stream;
  /** The warm-up's list and cancel streams. */
  warmup: [Stream, Stream];
  records: RecordCheck;
  memory: { at: number; rss: number }[];
  serverCpu: number;
  listPaths: number;
}): Row[] {
  const count = (stream: Stream, test: (status: number) => boolean) => [...stream.statuses].reduce((n, [status, times]) => n + (test(status) ? times : 0), 0);
  const answers = (stream: Stream) => stream.latencies.length;
  const rate = (stream: Stream) => summarize([answers(stream) / stream.seconds], 'req/s');
  const latency = (stream: Stream) =>
    stream.latencies.length ? `p50 ${formatNumber(percentile(stream.latencies, 50))} ms, p99 ${formatNumber(percentile(stream.latencies, 99))} ms` : 'no answers';
  const byStatus = (stream: Stream) =>
    [...stream.statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([status, times]) => `${status} ×${times.toLocaleString('en-US')}`)
      .join(', ');
  // A list read has no reason to fail; a cancel may fairly answer 4xx (already cancelled), or the injected 500s.
  const ok = (status: number) => status >= 200 && status < 300;
  const injected = Math.min(sizes.faults, count(cancel, (status) => status === 500));
  const lists = [list, warmup[0]];
  const cancels = [cancel, warmup[1]];
  const failures = [...lists, ...cancels].reduce((n, stream) => n + stream.failures, 0);
  const errors =
    lists.reduce((n, stream) => n + count(stream, (s) => !ok(s)), 0) +
    cancels.reduce((n, stream) => n + count(stream, (s) => !ok(s) && !(s >= 400 && s < 500)), 0) -
    injected +
    failures;

  // One RSS sample can sit on either side of a garbage collection: each point of the run is the
  // median of the samples within a second of it.
  const duration = memory.at(-1)!.at;
  const rssAt = (fraction: number) => {
    const at = fraction * duration;
    const near = memory.filter((m) => Math.abs(m.at - at) <= MEMORY_WINDOW_S).map((m) => m.rss);
    return near.length ? median(near) : memory.reduce((best, m) => (Math.abs(m.at - at) < Math.abs(best.at - at) ? m : best)).rss;
  };
  const [start, quarter, half, threeQuarters, end] = [0, 0.25, 0.5, 0.75, 1].map(rssAt) as [number, number, number, number, number];
  const peak = Math.max(...memory.map((m) => m.rss));
  const slope = slopePerMinute(memory.filter((m) => m.at >= duration / 2));
  const memoryRatio = end / quarter;

  const recordProblems = records.missing + records.duplicated + records.unexpected + records.notCancelled + records.cancelledTwice;
  return [
    {
      bench: 'load',
      name: `Load: GET /api/uploads, ${LIST_CONNECTIONS} connections`,
      ours: { value: rate(list), detail: `${latency(list)}; ${byStatus(list)}` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
      notes: [
        `${sizes.seconds} s, after ${sizes.warmupSeconds} s of warm-up, on loopback against the real server (server/index.ts, one process with its ` +
          `embedded emulator; SQLite file store, WAL) holding ${(sizes.history + sizes.warmupPool + sizes.pool).toLocaleString('en-US')} uploads; undici ` +
          `connections from this process, one request in flight each, both streams at once. The list stream cycles through ${listPaths} pages (the first, nine by cursor, the pending tab) with an operator's Bearer token. ` +
          `Server CPU during the run: ${formatNumber(serverCpu)} s (${Math.round((serverCpu / sizes.seconds) * 100)}% of one core).`,
      ],
    },
    {
      bench: 'load',
      name: `Load: POST /v1/uploads/{id}/cancel, ${CANCEL_CONNECTIONS} connections`,
      ours: { value: rate(cancel), detail: `${latency(cancel)}; ${byStatus(cancel)}` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
      notes: [
        `Cycles through ${sizes.pool.toLocaleString('en-US')} pending uploads created through /v1 before the run (the warm-up through ${sizes.warmupPool} others): each one's first cancel answers 200, ` +
          `later ones 400 (already cancelled); half-way, the emulator was told to answer the next ${sizes.faults} cancels with 500.`,
      ],
    },
    {
      bench: 'load',
      name: 'Load: errors (list not 2xx; cancel not 2xx/4xx beyond the injected 500s)',
      ours: { value: summarize([errors], 'errors'), detail: `${injected} injected 500s passed through; ${failures} connection errors or timeouts (warm-up included)` },
      baseline: null,
      ratio: null,
      target: '0',
      met: errors === 0,
    },
    {
      bench: 'load',
      name: 'Load: records afterwards (list)',
      ours: {
        value: summarize([records.listed], 'uploads'),
        detail:
          `${records.missing} missing, ${records.duplicated} listed twice, ${records.unexpected} unknown; ` +
          `${records.cancelledOk.toLocaleString('en-US')} cancelled with 200: ${records.notCancelled} not reading cancelled, ${records.cancelledTwice} answered 200 twice`,
      },
      baseline: null,
      ratio: null,
      target: 'each once; 200 → cancelled',
      met: recordProblems === 0 && records.listed === records.created,
      notes: ['Every upload recorded or created beforehand, read back page by page (limit 500) after the run.'],
    },
    {
      bench: 'load',
      name: "Load: audit afterwards ('cancelled' pass_through entries)",
      ours: { value: summarize([records.auditEntries], 'entries'), detail: `${records.auditMismatches} uploads whose entries ≠ their 200 answers` },
      baseline: { label: 'cancels answered 200', value: summarize([records.cancelledOk], 'uploads') },
      ratio: null,
      target: 'exactly one per 200',
      met: records.auditMismatches === 0 && records.auditEntries === records.cancelledOk,
    },
    {
      bench: 'load',
      name: 'Load: server RSS over the run',
      ours: {
        value: summarize([end / MB], 'MB'),
        detail:
          `at the end; start ${formatNumber(start / MB)}, 50% ${formatNumber(half / MB)}, 75% ${formatNumber(threeQuarters / MB)}, ` +
          `peak ${formatNumber(peak / MB)} MB; second-half slope ${formatNumber(slope / MB)} MB/min`,
      },
      baseline: { label: 'at 25% of the run', value: summarize([quarter / MB], 'MB') },
      ratio: summarize([memoryRatio], '×'),
      target: `end ≤ ${MEMORY_TARGET}× at 25%`,
      met: memoryRatio <= MEMORY_TARGET,
      notes: [
        `RSS of the server process (its embedded emulator included) from /proc every ${SAMPLE_MS} ms, ${memory.length} samples; the value at each ` +
          `point of the run is the median of the samples within ${MEMORY_WINDOW_S} s of it; the slope is a least-squares fit over the second half.`,
      ],
    },
  ];
}

/** Least-squares slope of RSS over time, bytes per minute. */
function slopePerMinute(samples: { at: number; rss: number }[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const meanT = samples.reduce((s, m) => s + m.at, 0) / n;
  const meanR = samples.reduce((s, m) => s + m.rss, 0) / n;
  const covariance = samples.reduce((s, m) => s + (m.at - meanT) * (m.rss - meanR), 0);
  const variance = samples.reduce((s, m) => s + (m.at - meanT) ** 2, 0);
  return variance === 0 ? 0 : (covariance / variance) * 60;
}
