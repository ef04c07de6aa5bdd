// Dashboard API: `GET /api/uploads` latency at 100,000 recorded uploads, in-process through
// `app.request()` with an operator's Bearer token (no socket, so this is the server's own cost):
// the first page, a page 1,000 pages deep, a status filter, a filename search, and the status
// counts every list answer carries. The first page is the baseline: keyset pagination should make
// the deep page cost about the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadStatus } from '#contract/uploads.ts';
import { ManualClock } from '#server/lib/clock.ts';
import { createBenchConsole, OPERATOR_TOKEN } from './lib/console-app.ts';
import { fillUploads, ONE_PERCENT_SEARCH as SEARCH } from './lib/fill-uploads.ts';
import { pairwiseRatios, percentile, roundOrder, summarize, type BenchOptions, type Row } from './lib/report.ts';

const LIMIT = 100;
const TARGET_P50_MS = 2;
/** "About 1×" for the deep page, as a number: keyset pagination should not grow with depth. */
const DEEP_RATIO_LIMIT = 1.5;

interface Sizes {
  rows: number;
  rounds: number;
  samplesPerRound: number;
  /** Per case and round, so a slow case cannot stretch the run. */
  maxMsPerCase: number;
}

interface ListBody {
  data: { status: UploadStatus; upload: { filename: string } }[];
  next_cursor: string | null;
}

interface Case {
  key: 'first' | 'deep' | 'status' | 'search' | 'counts';
  call: () => Promise<void>;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const sizes: Sizes = options.quick
    ? { rows: 2_000, rounds: 1, samplesPerRound: 30, maxMsPerCase: 1_000 }
    : { rows: 100_000, rounds: 5, samplesPerRound: 200, maxMsPerCase: 3_000 };
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-api-'));
  const nowSeconds = Math.floor(Date.now() / 1000);
  const clock = new ManualClock(nowSeconds * 1000);
  // List requests never reach the upstream; this one points at a closed port to be sure.
  const uploadsConsole = await createBenchConsole({ databasePath: join(dir, 'console.sqlite'), upstreamUrl: 'http://127.0.0.1:9/v1', upstreamKey: 'sk-unused', upstreamTimeoutMs: 1000, clock });
  const { app, store } = uploadsConsole;
  try {
    const get = async (path: string) => {
      const response = await app.request(path, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
      return { status: response.status, text: await response.text() };
    };
    const list = async (query: string): Promise<ListBody> => {
      const { status, text } = await get(`/api/uploads?${query}`);
      if (status !== 200) throw new Error(`GET /api/uploads?${query} answered ${status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as ListBody;
    };

    options.log(`api: recording ${sizes.rows.toLocaleString('en-US')} uploads through store.recordUpload…`);
    const { ms: fillMs } = await fillUploads(store, sizes.rows, nowSeconds);
    options.log(`api: filled in ${(fillMs / 1000).toFixed(1)} s`);

    const firstPage = await list(`limit=${LIMIT}`);
    if (firstPage.data.length !== LIMIT) throw new Error(`the first page has ${firstPage.data.length} rows, not ${LIMIT}`);

    // Cursors are fetched once, by following next_cursor as the dashboard would; only the deep request is timed.
    const deepPage = Math.min(1000, Math.floor(sizes.rows / LIMIT));
    const walkStarted = performance.now();
    let cursor: string | null = firstPage.next_cursor;
    for (let page = 2; page < deepPage; page++) {
      if (cursor === null) throw new Error(`next_cursor ran out at page ${page - 1}`);
      cursor = (await list(`limit=${LIMIT}&cursor=${encodeURIComponent(cursor)}`)).next_cursor;
    }
    if (cursor === null) throw new Error(`no cursor for page ${deepPage}`);
    const deepQuery = `limit=${LIMIT}&cursor=${encodeURIComponent(cursor)}`;
    const deep = await list(deepQuery);
    if (deep.data.length === 0) throw new Error(`page ${deepPage} is empty`);
    options.log(`api: walked to page ${deepPage} in ${((performance.now() - walkStarted) / 1000).toFixed(1)} s`);

    const cancelled = await list(`limit=${LIMIT}&status=cancelled`);
    const statusProblem =
      cancelled.data.length === 0 ? 'returned no rows' : cancelled.data.some((r) => r.status !== 'cancelled') ? 'ignored (other statuses came back)' : null;
    const searchQuery = `limit=${LIMIT}&q=${encodeURIComponent(SEARCH)}`;
    const searchProblem = await (async () => {
      const { status, text } = await get(`/api/uploads?${searchQuery}`);
      if (status === 400) return 'not available yet';
      if (status !== 200) return `not available (HTTP ${status})`;
      const body = JSON.parse(text) as ListBody;
      if (body.data.length === 0) return 'not available yet (no rows came back)';
      if (body.data.some((r) => !r.upload.filename.toLowerCase().includes(SEARCH))) return 'not available yet (q is ignored)';
      return null;
    })();

    const cases: Case[] = [
      { key: 'first', call: async () => void (await get(`/api/uploads?limit=${LIMIT}`)) },
      { key: 'deep', call: async () => void (await get(`/api/uploads?${deepQuery}`)) },
      ...(statusProblem ? [] : [{ key: 'status' as const, call: async () => void (await get(`/api/uploads?limit=${LIMIT}&status=cancelled`)) }]),
      ...(searchProblem ? [] : [{ key: 'search' as const, call: async () => void (await get(`/api/uploads?${searchQuery}`)) }]),
      { key: 'counts', call: async () => void (await store.countByStatus(nowSeconds)) },
    ];
    const p50 = new Map<Case['key'], number[]>(cases.map((c) => [c.key, []]));
    const p99 = new Map<Case['key'], number[]>(cases.map((c) => [c.key, []]));
    for (let round = 0; round < sizes.rounds; round++) {
      for (const item of roundOrder(cases, round)) {
        for (let i = 0; i < 5; i++) await item.call();
        const samples = await time(item.call, sizes.samplesPerRound, sizes.maxMsPerCase);
        p50.get(item.key)!.push(percentile(samples, 50));
        p99.get(item.key)!.push(percentile(samples, 99));
      }
      options.log(`api: round ${round + 1}/${sizes.rounds} done`);
    }

    const ms = (values: number[]) => summarize(values, 'ms');
    const base = p50.get('first')!;
    const baseline = { label: 'first page', value: ms(base) };
    const rows: Row[] = [
      {
        bench: 'api',
        name: `Fill ${sizes.rows.toLocaleString('en-US')} uploads via store.recordUpload`,
        ours: { value: summarize([fillMs / 1000], 's'), detail: `${Math.round(sizes.rows / (fillMs / 1000)).toLocaleString('en-US')} rows/s` },
        baseline: null,
        ratio: null,
        target: '—',
        met: null,
      },
    ];
    const listRow = (key: Case['key'], name: string, extra: Partial<Row> = {}): Row => {
      const values = p50.get(key)!;
      const ratio = key === 'first' ? null : summarize(pairwiseRatios(values, base), '×');
      return {
        bench: 'api',
        name,
        ours: { value: ms(values), detail: `p99 ${ms(p99.get(key)!).median.toFixed(2)} ms` },
        baseline: key === 'first' ? null : baseline,
        ratio,
        target: `p50 ≤ ${TARGET_P50_MS} ms`,
        met: ms(values).median <= TARGET_P50_MS,
        ...extra,
      };
    };
    const unavailable = (name: string, status: string): Row => ({ bench: 'api', name, ours: null, baseline: null, ratio: null, target: `p50 ≤ ${TARGET_P50_MS} ms`, met: null, status });
    rows.push(listRow('first', 'GET /api/uploads first page (limit 100)'));
    const deepRow = listRow('deep', `GET /api/uploads page ${deepPage.toLocaleString('en-US')} (cursor)`);
    deepRow.target = `p50 ≤ ${TARGET_P50_MS} ms, ≤ ${DEEP_RATIO_LIMIT}× first`;
    deepRow.met = deepRow.met === true && deepRow.ratio!.median <= DEEP_RATIO_LIMIT;
    rows.push(deepRow);
    rows.push(statusProblem ? unavailable('GET /api/uploads?status=cancelled', `status filter ${statusProblem}`) : listRow('status', 'GET /api/uploads?status=cancelled'));
    rows.push(
      searchProblem
        ? unavailable(`GET /api/uploads?q=${SEARCH}`, searchProblem)
        : listRow('search', `GET /api/uploads?q=${SEARCH} (~1% match)`),
    );
    rows.push({ ...listRow('counts', 'store.countByStatus(now)'), target: '—', met: null, notes: ['Part of every list answer (counts per status tab).'] });
    rows[1]!.notes = [
      `In-process app.request() with a Bearer operator token, ${sizes.rows.toLocaleString('en-US')} rows in a SQLite file (WAL); ` +
        `p50 per round over up to ${sizes.samplesPerRound} requests, median (min–max) of ${sizes.rounds} rounds; p99 is the median of the rounds' p99s.`,
    ];
    return rows;
  } finally {
    await uploadsConsole.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function time(call: () => Promise<void>, count: number, maxMs: number): Promise<number[]> {
  const samples: number[] = [];
  const deadline = performance.now() + maxMs;
  while (samples.length < count && (samples.length < 10 || performance.now() < deadline)) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}
