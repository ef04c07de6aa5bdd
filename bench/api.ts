// Dashboard API: `GET /api/uploads` latency at 100,000 recorded uploads, in-process through
// `app.request()` with an operator's Bearer token (no socket, so this is the server's own cost):
// the first page, a page 1,000 pages deep, a status filter, a filename search, the status
// counts every list answer carries, and the activity chart's week (GET /api/uploads/activity). The first page is the baseline: keyset pagination should make
// the deep page cost about the same.
//
// The same requests run on both stores in the same run, their rounds interleaved: SQLite (a file,
// filled through store.recordUpload) and PostgreSQL (a throw-away local cluster, the same rows
// written straight into the store's tables); each PostgreSQL figure is shown against SQLite's.
// Without a PostgreSQL server installed its rows say so and are skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadStatus } from '#contract/uploads.ts';
import type { Console } from '#server/console.ts';
import { ManualClock } from '#server/lib/clock.ts';
import { createBenchConsole, OPERATOR_TOKEN } from './lib/console-app.ts';
import { fillUploads, ONE_PERCENT_SEARCH as SEARCH } from './lib/fill-uploads.ts';
import { fillPostgres, postgresProblem, startBenchPostgres, type BenchPostgres } from './lib/postgres.ts';
import { pairwiseRatios, percentile, roundOrder, summarize, type BenchOptions, type Row } from './lib/report.ts';

const LIMIT = 100;
/** The chart's longest window: the most uploads, and the most buckets, to sum. */
const ACTIVITY_WINDOW = '7d';
const TARGET_P50_MS = 2;
/** PostgreSQL answers over a local socket, so each query costs a round trip SQLite does not pay. */
const POSTGRES_TARGET_P50_MS = 3;
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

type CaseKey = 'first' | 'deep' | 'status' | 'search' | 'counts' | 'activity';
const CASE_KEYS: readonly CaseKey[] = ['first', 'deep', 'status', 'search', 'counts', 'activity'];

/** `npm run bench -- --only api --cases activity`: time only these (the stores are still filled; the deep page's cursor walk runs only for `deep`). */
let only: readonly string[] | null = null;
const wanted = (key: CaseKey) => only === null || only.includes(key);
type EngineKey = 'sqlite' | 'postgres';

interface Case {
  key: CaseKey;
  call: () => Promise<void>;
}

/** One store with its console, filled and ready to be measured. */
interface Engine {
  key: EngineKey;
  uploadsConsole: Console;
  fillMs: number;
  deepPage: number;
  cases: Case[];
  /** Why a case could not be measured (status filter or search not working). */
  problems: Partial<Record<CaseKey, string>>;
  p50: Map<CaseKey, number[]>;
  p99: Map<CaseKey, number[]>;
}

/** `npm run bench -- --only search`: the filename search on both stores (the first page kept as its baseline). */
export async function runSearch(options: BenchOptions): Promise<Row[]> {
  return await run({ ...options, cases: ['first', 'search'] });
}

export async function run(options: BenchOptions): Promise<Row[]> {
  only = options.cases?.length ? options.cases : null;
  const unknown = (only ?? []).filter((key) => !(CASE_KEYS as readonly string[]).includes(key));
  if (unknown.length) throw new Error(`Unknown api case(s): ${unknown.join(', ')}. Choose from: ${CASE_KEYS.join(', ')}.`);
  const sizes: Sizes = options.quick
    ? { rows: 2_000, rounds: 1, samplesPerRound: 30, maxMsPerCase: 1_000 }
    : { rows: 100_000, rounds: 5, samplesPerRound: 200, maxMsPerCase: 3_000 };
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-api-'));
  const nowSeconds = Math.floor(Date.now() / 1000);
  const clock = new ManualClock(nowSeconds * 1000);
  const engines: Engine[] = [];
  let postgres: BenchPostgres | null = null;
  try {
    // List requests never reach the upstream; this one points at a closed port to be sure.
    const consoleOn = (store: { databasePath: string } | { databaseUrl: string }) =>
      createBenchConsole({ ...store, upstreamUrl: 'http://127.0.0.1:9/v1', upstreamKey: 'sk-unused', upstreamTimeoutMs: 1000, clock });

    options.log(`api: recording ${sizes.rows.toLocaleString('en-US')} uploads through store.recordUpload (SQLite)…`);
    const sqlite = await consoleOn({ databasePath: join(dir, 'console.sqlite') });
    const { ms: sqliteFillMs } = await fillUploads(sqlite.store, sizes.rows, nowSeconds).catch(async (error: unknown) => {
      await sqlite.stop();
      throw error;
    });
    engines.push(await prepare('sqlite', sqlite, sqliteFillMs, sizes, nowSeconds, options));

    let pgSkipped = postgresProblem();
    if (!pgSkipped) {
      try {
        postgres = await startBenchPostgres();
        const url = await postgres.createDatabase('bench_api');
        // Opening the console migrates the empty database; the fill then writes into its tables.
        const onPostgres = await consoleOn({ databaseUrl: url });
        try {
          options.log(`api: writing the same ${sizes.rows.toLocaleString('en-US')} uploads into PostgreSQL (batched INSERTs)…`);
          const { ms } = await fillPostgres(url, sizes.rows, nowSeconds);
          engines.push(await prepare('postgres', onPostgres, ms, sizes, nowSeconds, options));
        } catch (error) {
          await onPostgres.stop();
          throw error;
        }
      } catch (error) {
        pgSkipped = `crashed: ${error instanceof Error ? error.message.split('\n')[0]!.slice(0, 120) : String(error)}`;
        options.log(`api: PostgreSQL ${pgSkipped}`);
      }
    }

    // Rounds interleave the engines and the cases, alternating their order.
    for (let round = 0; round < sizes.rounds; round++) {
      for (const engine of roundOrder(engines, round)) {
        for (const item of roundOrder(engine.cases, round)) {
          for (let i = 0; i < 5; i++) await item.call();
          const samples = await time(item.call, sizes.samplesPerRound, sizes.maxMsPerCase);
          engine.p50.get(item.key)!.push(percentile(samples, 50));
          engine.p99.get(item.key)!.push(percentile(samples, 99));
        }
      }
      options.log(`api: round ${round + 1}/${sizes.rounds} done`);
    }

    const sqliteEngine = engines.find((e) => e.key === 'sqlite')!;
    const postgresEngine = engines.find((e) => e.key === 'postgres') ?? null;
    const rows = sqliteRows(sqliteEngine, sizes);
    rows.push(...(postgresEngine ? postgresRows(postgresEngine, sqliteEngine, sizes) : skippedPostgresRows(pgSkipped ?? 'skipped')));
    return rows;
  } finally {
    for (const engine of engines) await engine.uploadsConsole.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fetches the cursors and checks the filter and the search once; only the requests of `cases` are timed. */
async function prepare(key: EngineKey, uploadsConsole: Console, fillMs: number, sizes: Sizes, nowSeconds: number, options: BenchOptions): Promise<Engine> {
  const { app, store } = uploadsConsole;
  options.log(`api: ${key} filled in ${(fillMs / 1000).toFixed(1)} s`);
  const get = async (path: string) => {
    const response = await app.request(path, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    return { status: response.status, text: await response.text() };
  };
  const list = async (query: string): Promise<ListBody> => {
    const { status, text } = await get(`/api/uploads?${query}`);
    if (status !== 200) throw new Error(`${key}: GET /api/uploads?${query} answered ${status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as ListBody;
  };

  const firstPage = await list(`limit=${LIMIT}`);
  if (firstPage.data.length !== LIMIT) throw new Error(`${key}: the first page has ${firstPage.data.length} rows, not ${LIMIT}`);

  // Cursors are fetched once, by following next_cursor as the dashboard would; only the deep request is timed.
  const deepPage = Math.min(1000, Math.floor(sizes.rows / LIMIT));
  let deepQuery = '';
  if (wanted('deep')) {
    const walkStarted = performance.now();
    let cursor: string | null = firstPage.next_cursor;
    for (let page = 2; page < deepPage; page++) {
      if (cursor === null) throw new Error(`${key}: next_cursor ran out at page ${page - 1}`);
      cursor = (await list(`limit=${LIMIT}&cursor=${encodeURIComponent(cursor)}`)).next_cursor;
    }
    if (cursor === null) throw new Error(`${key}: no cursor for page ${deepPage}`);
    deepQuery = `limit=${LIMIT}&cursor=${encodeURIComponent(cursor)}`;
    const deep = await list(deepQuery);
    if (deep.data.length === 0) throw new Error(`${key}: page ${deepPage} is empty`);
    options.log(`api: ${key} walked to page ${deepPage} in ${((performance.now() - walkStarted) / 1000).toFixed(1)} s`);
  }

  // The chart's week answers 28 buckets that hold the uploads of those 7 days.
  const week = await get(`/api/uploads/activity?window=${ACTIVITY_WINDOW}`);
  const weekBody = week.status === 200 ? (JSON.parse(week.text) as { buckets: unknown[]; totals: Record<string, number> }) : null;
  const activityProblem = !weekBody
    ? `not available (HTTP ${week.status})`
    : weekBody.buckets.length !== 28 || weekBody.totals.completed! === 0
      ? `answered ${weekBody.buckets.length} buckets with ${weekBody.totals.completed} completed uploads`
      : null;

  const problems: Engine['problems'] = {};
  const cancelled = await list(`limit=${LIMIT}&status=cancelled`);
  const statusProblem =
    cancelled.data.length === 0 ? 'returned no rows' : cancelled.data.some((r) => r.status !== 'cancelled') ? 'ignored (other statuses came back)' : null;
  if (statusProblem) problems.status = `status filter ${statusProblem}`;
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
  if (searchProblem) problems.search = searchProblem;
  if (activityProblem) problems.activity = activityProblem;

  const cases: Case[] = [
    { key: 'first' as const, call: async () => void (await get(`/api/uploads?limit=${LIMIT}`)) },
    { key: 'deep' as const, call: async () => void (await get(`/api/uploads?${deepQuery}`)) },
    ...(statusProblem ? [] : [{ key: 'status' as const, call: async () => void (await get(`/api/uploads?limit=${LIMIT}&status=cancelled`)) }]),
    ...(searchProblem ? [] : [{ key: 'search' as const, call: async () => void (await get(`/api/uploads?${searchQuery}`)) }]),
    { key: 'counts' as const, call: async () => void (await store.countByStatus(nowSeconds)) },
    ...(activityProblem ? [] : [{ key: 'activity' as const, call: async () => void (await get(`/api/uploads/activity?window=${ACTIVITY_WINDOW}`)) }]),
  ].filter((c) => wanted(c.key));
  return {
    key,
    uploadsConsole,
    fillMs,
    deepPage,
    cases,
    problems,
    p50: new Map(cases.map((c) => [c.key, []])),
    p99: new Map(cases.map((c) => [c.key, []])),
  };
}

const ms = (values: number[]) => summarize(values, 'ms');
const caseNames = (deepPage: number): Record<CaseKey, string> => ({
  first: 'GET /api/uploads first page (limit 100)',
  deep: `GET /api/uploads page ${deepPage.toLocaleString('en-US')} (cursor)`,
  status: 'GET /api/uploads?status=cancelled',
  search: `GET /api/uploads?q=${SEARCH} (~1% match)`,
  counts: 'store.countByStatus(now)',
  activity: `GET /api/uploads/activity?window=${ACTIVITY_WINDOW} (28 buckets of 6 h)`,
});

function sqliteRows(engine: Engine, sizes: Sizes): Row[] {
  const names = caseNames(engine.deepPage);
  const base = engine.p50.get('first');
  const baseline = base ? { label: 'first page', value: ms(base) } : null;
  const rows: Row[] = [
    {
      bench: 'api',
      name: `Fill ${sizes.rows.toLocaleString('en-US')} uploads via store.recordUpload`,
      ours: { value: summarize([engine.fillMs / 1000], 's'), detail: `${Math.round(sizes.rows / (engine.fillMs / 1000)).toLocaleString('en-US')} rows/s` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
    },
  ];
  const listRow = (key: CaseKey, extra: Partial<Row> = {}): Row => {
    const problem = engine.problems[key];
    if (problem) return { bench: 'api', name: names[key], ours: null, baseline: null, ratio: null, target: `p50 ≤ ${TARGET_P50_MS} ms`, met: null, status: problem };
    const values = engine.p50.get(key)!;
    return {
      bench: 'api',
      name: names[key],
      ours: { value: ms(values), detail: `p99 ${ms(engine.p99.get(key)!).median.toFixed(2)} ms` },
      baseline: key === 'first' ? null : baseline,
      ratio: key === 'first' || !base ? null : summarize(pairwiseRatios(values, base), '×'),
      target: `p50 ≤ ${TARGET_P50_MS} ms`,
      met: ms(values).median <= TARGET_P50_MS,
      ...extra,
    };
  };
  const measured = (key: CaseKey) => engine.p50.has(key) || engine.problems[key] !== undefined;
  if (measured('first')) rows.push(listRow('first'));
  if (measured('deep')) {
    const deepRow = listRow('deep');
    deepRow.target = `p50 ≤ ${TARGET_P50_MS} ms, ≤ ${DEEP_RATIO_LIMIT}× first`;
    deepRow.met = deepRow.met === true && deepRow.ratio !== null && deepRow.ratio.median <= DEEP_RATIO_LIMIT;
    rows.push(deepRow);
  }
  for (const key of ['status', 'search'] as const) if (measured(key)) rows.push(listRow(key));
  if (measured('counts')) rows.push({ ...listRow('counts'), target: '—', met: null, notes: ['Part of every list answer (counts per status tab).'] });
  if (measured('activity')) {
    rows.push({
      ...listRow('activity'),
      notes: ["The chart above the list: its budget is the list's. Trigger-kept bucket counts plus the week's pending uploads (the fill leaves 10% of old ones pending past expiry, unswept, as after an outage)."],
    });
  }
  rows[1]!.notes = [
    `In-process app.request() with a Bearer operator token, ${sizes.rows.toLocaleString('en-US')} rows in a SQLite file (WAL); ` +
      `p50 per round over up to ${sizes.samplesPerRound} requests, median (min–max) of ${sizes.rounds} rounds; p99 is the median of the rounds' p99s.`,
    ...(rows[1]!.notes ?? []),
  ];
  return rows;
}

function postgresRows(engine: Engine, sqlite: Engine, sizes: Sizes): Row[] {
  const names = caseNames(engine.deepPage);
  const target = `p50 ≤ ${POSTGRES_TARGET_P50_MS} ms`;
  const rows: Row[] = [
    {
      bench: 'api',
      name: `PostgreSQL: fill ${sizes.rows.toLocaleString('en-US')} uploads (batched INSERTs)`,
      ours: { value: summarize([engine.fillMs / 1000], 's'), detail: `${Math.round(sizes.rows / (engine.fillMs / 1000)).toLocaleString('en-US')} rows/s` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
      notes: [
        `The same requests and rows as the SQLite rows above, on PostgreSQL (a throw-away local cluster, TCP on 127.0.0.1, the store's own pool); ` +
          `the rows are written straight into the migrated store's tables (its triggers keep the counts), then VACUUM ANALYZE. ` +
          `Rounds interleave both stores; each ratio is PostgreSQL / SQLite, round by round.`,
      ],
    },
  ];
  for (const key of CASE_KEYS) {
    if (!engine.p50.has(key) && engine.problems[key] === undefined) continue;
    const name = `PostgreSQL: ${names[key]}`;
    const problem = engine.problems[key];
    if (!engine.p50.has(key) && !problem) continue;
    const informational = key === 'counts';
    if (problem) {
      rows.push({ bench: 'api', name, ours: null, baseline: null, ratio: null, target: informational ? '—' : target, met: null, status: problem });
      continue;
    }
    const values = engine.p50.get(key)!;
    const sqliteValues = sqlite.problems[key] ? null : sqlite.p50.get(key)!;
    rows.push({
      bench: 'api',
      name,
      ours: { value: ms(values), detail: `p99 ${ms(engine.p99.get(key)!).median.toFixed(2)} ms` },
      baseline: sqliteValues ? { label: 'SQLite', value: ms(sqliteValues) } : null,
      ratio: sqliteValues ? summarize(pairwiseRatios(values, sqliteValues), '×') : null,
      target: informational ? '—' : target,
      met: informational ? null : ms(values).median <= POSTGRES_TARGET_P50_MS,
    });
  }
  return rows;
}

function skippedPostgresRows(status: string): Row[] {
  return (['first', 'deep', 'status', 'search', 'activity'] as const).filter(wanted).map((key) => ({
    bench: 'api',
    name: `PostgreSQL: ${caseNames(1000)[key]}`,
    ours: null,
    baseline: null,
    ratio: null,
    target: `p50 ≤ ${POSTGRES_TARGET_P50_MS} ms`,
    met: null,
    status,
  }));
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
