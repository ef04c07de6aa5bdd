// A million uploads: the store filled straight through its own tables (the README's --demo-size
// stays the user's way), then the dashboard's requests timed in-process through app.request() on
// SQLite and on PostgreSQL, rounds interleaved: the first page, page 10,000 by cursor (the last
// one), the status counts every list answer carries (against a COUNT(*) of the table: what a scan
// would cost), and the Stuck view. Also the store's size per upload and the fill rate.
//
// The uploads left pending past their expiry are written as the expiry sweep leaves them (a
// running console sweeps 1,000 every 5 s); `api` measures the unswept backlog at 100,000.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Console } from '#server/console.ts';
import { ManualClock } from '#server/lib/clock.ts';
import { encodeListCursor } from '#server/store/cursor.ts';
import { createBenchConsole, OPERATOR_TOKEN } from './lib/console-app.ts';
import { fillSqlite } from './lib/fill-sqlite.ts';
import { fillPostgres, postgresProblem, startBenchPostgres, type BenchPostgres } from './lib/postgres.ts';
import { formatNumber, pairwiseRatios, percentile, roundOrder, summarize, type BenchOptions, type Row } from './lib/report.ts';

const LIMIT = 100;
const TARGET_MS: Record<EngineKey, number> = { sqlite: 2, postgres: 3 };
const STUCK_TARGET_MS = 5;

type EngineKey = 'sqlite' | 'postgres';
type CaseKey = 'first' | 'deep' | 'counts' | 'scan' | 'stuck';

interface Engine {
  key: EngineKey;
  label: string;
  uploadsConsole: Console;
  fillMs: number;
  storeBytes: number;
  cases: { key: CaseKey; call: () => Promise<void> }[];
  p50: Map<CaseKey, number[]>;
  p99: Map<CaseKey, number[]>;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const sizes = options.quick ? { rows: 20_000, rounds: 1, samples: 20, maxMs: 500 } : { rows: 1_000_000, rounds: 5, samples: 200, maxMs: 3_000 };
  const pages = sizes.rows / LIMIT;
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-million-'));
  const nowSeconds = Math.floor(Date.now() / 1000);
  const clock = new ManualClock(nowSeconds * 1000);
  const consoleOn = (store: { databasePath: string } | { databaseUrl: string }) =>
    createBenchConsole({ ...store, upstreamUrl: 'http://127.0.0.1:9/v1', upstreamKey: 'sk-unused', upstreamTimeoutMs: 1000, clock });
  const engines: Engine[] = [];
  const closers: (() => Promise<void>)[] = [];
  let postgres: BenchPostgres | null = null;
  const fill = { lapsedPendingAs: 'expired' as const };
  try {
    const path = join(dir, 'console.sqlite');
    options.log(`million: writing ${sizes.rows.toLocaleString('en-US')} uploads into SQLite…`);
    const { ms: sqliteMs } = await fillSqlite(path, sizes.rows, nowSeconds, fill);
    const sqliteBytes = ['', '-wal'].reduce((n, suffix) => n + (fileSize(path + suffix) ?? 0), 0);
    const deepSqlite = (() => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare('SELECT created_at AS value, id FROM uploads ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?').get(sizes.rows - LIMIT - 1) as { value: number; id: string };
      } finally {
        db.close();
      }
    })();
    engines.push(await prepare('sqlite', 'SQLite', await consoleOn({ databasePath: path }), sqliteMs, sqliteBytes, deepSqlite, sizes.rows, nowSeconds, { databasePath: path }, closers, options));

    let pgSkipped = postgresProblem();
    if (!pgSkipped) {
      try {
        postgres = await startBenchPostgres();
        const url = await postgres.createDatabase('bench_million');
        const onPostgres = await consoleOn({ databaseUrl: url });
        try {
          options.log(`million: writing the same ${sizes.rows.toLocaleString('en-US')} uploads into PostgreSQL…`);
          const { ms } = await fillPostgres(url, sizes.rows, nowSeconds, fill);
          const client = new pg.Client(url);
          await client.connect();
          const [size, deep] = await Promise.all([
            client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes'),
            client.query<{ value: string; id: string }>('SELECT created_at AS value, id FROM uploads ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $1', [sizes.rows - LIMIT - 1]),
          ]).finally(() => client.end());
          const deepRow = { value: Number(deep.rows[0]!.value), id: deep.rows[0]!.id };
          engines.push(await prepare('postgres', 'PostgreSQL', onPostgres, ms, Number(size.rows[0]!.bytes), deepRow, sizes.rows, nowSeconds, { databaseUrl: url }, closers, options));
        } catch (error) {
          await onPostgres.stop();
          throw error;
        }
      } catch (error) {
        pgSkipped = `crashed: ${error instanceof Error ? error.message.split('\n')[0]!.slice(0, 120) : String(error)}`;
        options.log(`million: PostgreSQL ${pgSkipped}`);
      }
    }

    for (let round = 0; round < sizes.rounds; round++) {
      for (const engine of roundOrder(engines, round)) {
        for (const item of roundOrder(engine.cases, round)) {
          for (let i = 0; i < 3; i++) await item.call();
          const samples = await time(item.call, item.key === 'scan' ? 5 : sizes.samples, sizes.maxMs);
          engine.p50.get(item.key)!.push(percentile(samples, 50));
          engine.p99.get(item.key)!.push(percentile(samples, 99));
        }
      }
      options.log(`million: round ${round + 1}/${sizes.rounds} done`);
    }

    const rows: Row[] = [];
    const sqlite = engines[0]!;
    for (const key of ['sqlite', 'postgres'] as const) {
      const engine = engines.find((e) => e.key === key);
      if (engine) rows.push(...engineRows(engine, key === 'postgres' ? sqlite : null, sizes.rows, pages, sizes.rounds));
      else rows.push({ bench: 'million', name: `PostgreSQL, ${sizes.rows.toLocaleString('en-US')} uploads`, ours: null, baseline: null, ratio: null, target: '—', met: null, status: pgSkipped ?? 'skipped' });
    }
    return rows;
  } finally {
    for (const close of closers) await close().catch(() => undefined);
    for (const engine of engines) await engine.uploadsConsole.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/** Checks each request once (the right rows come back), then hands back the timed calls. */
async function prepare(
  key: EngineKey,
  label: string,
  uploadsConsole: Console,
  fillMs: number,
  storeBytes: number,
  beforeLastPage: { value: number; id: string },
  rows: number,
  now: number,
  storeRef: { databasePath: string } | { databaseUrl: string },
  closers: (() => Promise<void>)[],
  options: BenchOptions,
): Promise<Engine> {
  const { app, store } = uploadsConsole;
  options.log(`million: ${label} filled in ${(fillMs / 1000).toFixed(1)} s, ${(storeBytes / 1024 / 1024).toFixed(0)} MiB`);
  const get = async (path: string) => {
    const response = await app.request(path, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${label}: GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as { data: { status: string; stuck: unknown }[]; next_cursor: string | null; counts?: Record<string, number> };
  };
  const first = await get(`/api/uploads?limit=${LIMIT}`);
  if (first.data.length !== LIMIT) throw new Error(`${label}: the first page has ${first.data.length} rows`);
  // The cursor the dashboard would hold after page 9,999: the last row of that page, encoded as the store encodes it.
  const deepPath = `/api/uploads?limit=${LIMIT}&cursor=${encodeURIComponent(encodeListCursor({ sort: 'created_at', order: 'desc', ...beforeLastPage }))}`;
  const deep = await get(deepPath);
  if (deep.data.length !== LIMIT || deep.next_cursor !== null) throw new Error(`${label}: page ${rows / LIMIT} has ${deep.data.length} rows and ${deep.next_cursor ? 'a' : 'no'} next cursor; expected ${LIMIT} and none`);
  const stuckPath = `/api/uploads?limit=${LIMIT}&stuck=true`;
  const stuck = await get(stuckPath);
  if (stuck.data.length === 0 || stuck.data.some((r) => r.status !== 'pending' || !r.stuck)) throw new Error(`${label}: the Stuck view returned ${stuck.data.length} rows, not all stuck`);
  const counts = await store.countByStatus(now);
  const total = counts.pending + counts.completed + counts.cancelled + counts.expired;
  if (total !== rows) throw new Error(`${label}: the counts add up to ${total}, not ${rows}`);
  const scan = await scanCounter(storeRef);
  closers.push(scan.close);
  const cases: Engine['cases'] = [
    { key: 'first', call: async () => void (await get(`/api/uploads?limit=${LIMIT}`)) },
    { key: 'deep', call: async () => void (await get(deepPath)) },
    { key: 'counts', call: async () => void (await store.countByStatus(now)) },
    { key: 'scan', call: scan.call },
    { key: 'stuck', call: async () => void (await get(stuckPath)) },
  ];
  return { key, label, uploadsConsole, fillMs, storeBytes, cases, p50: new Map(cases.map((c) => [c.key, []])), p99: new Map(cases.map((c) => [c.key, []])) };
}

/** What counting by scanning would cost: COUNT(*) … GROUP BY status over the whole table, on a connection of its own. */
async function scanCounter(store: { databasePath: string } | { databaseUrl: string }): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const sql = 'SELECT status, COUNT(*) AS n FROM uploads GROUP BY status';
  if ('databasePath' in store) {
    const db = new Database(store.databasePath, { readonly: true });
    const statement = db.prepare(sql);
    return { call: async () => void statement.all(), close: async () => void db.close() };
  }
  const client = new pg.Client(store.databaseUrl);
  await client.connect();
  return { call: async () => void (await client.query(sql)), close: () => client.end() };
}

function engineRows(engine: Engine, sqlite: Engine | null, rows: number, pages: number, rounds: number): Row[] {
  const target = TARGET_MS[engine.key];
  const ms = (key: CaseKey) => summarize(engine.p50.get(key)!, 'ms');
  const p99 = (key: CaseKey) => `p99 ${formatNumber(summarize(engine.p99.get(key)!, 'ms').median)} ms`;
  const versusSqlite = (key: CaseKey) =>
    sqlite ? { baseline: { label: 'SQLite', value: summarize(sqlite.p50.get(key)!, 'ms') }, ratio: summarize(pairwiseRatios(engine.p50.get(key)!, sqlite.p50.get(key)!), '×') } : { baseline: null, ratio: null };
  const prefix = `${engine.label}, ${rows.toLocaleString('en-US')} uploads:`;
  const out: Row[] = [
    {
      bench: 'million',
      name: `${prefix} fill (straight into the store's tables)`,
      ours: { value: summarize([engine.fillMs / 1000], 's'), detail: `${Math.round(rows / (engine.fillMs / 1000)).toLocaleString('en-US')} rows/s` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
      notes: [
        engine.key === 'sqlite'
          ? `Prepared INSERTs of the uploads and their first timeline events, 10,000 per transaction, into a freshly migrated file (the triggers keep the counts and the trigram index), in-process app.request() with a Bearer operator token; ` +
            `p50 per round, median (min–max) of ${rounds} rounds, SQLite and PostgreSQL interleaved. Uploads left pending past expiry are written as the sweep leaves them (expired).`
          : `The same rows written into a migrated PostgreSQL database (a throw-away local cluster, TCP on 127.0.0.1) by batched INSERT … SELECT FROM unnest, then VACUUM ANALYZE; ratios are PostgreSQL / SQLite, round by round.`,
      ],
    },
    {
      bench: 'million',
      name: `${prefix} store size per upload`,
      ours: { value: summarize([engine.storeBytes / rows], 'bytes'), detail: `${formatNumber(engine.storeBytes / 1024 / 1024)} MiB in all` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
      notes: [engine.key === 'sqlite' ? 'The SQLite file after a WAL checkpoint: rows, indexes, the trigram index and one timeline event each.' : 'pg_database_size(): tables, indexes (pg_trgm included), TOAST, and the catalog (about 7 MiB).'],
    },
  ];
  const timed = (key: CaseKey, name: string, limit: number, extra: Partial<Row> = {}): Row => ({
    bench: 'million',
    name: `${prefix} ${name}`,
    ours: { value: ms(key), detail: p99(key) },
    ...versusSqlite(key),
    target: `p50 ≤ ${limit} ms`,
    met: ms(key).median <= limit,
    ...extra,
  });
  out.push(timed('first', `GET /api/uploads first page (limit ${LIMIT})`, target));
  out.push(timed('deep', `GET /api/uploads page ${pages.toLocaleString('en-US')} (cursor)`, target));
  const scan = summarize(engine.p50.get('scan')!, 'ms');
  out.push({
    ...timed('counts', 'store.countByStatus(now)', target),
    baseline: { label: 'COUNT(*) GROUP BY status', value: scan },
    ratio: summarize(pairwiseRatios(engine.p50.get('counts')!, engine.p50.get('scan')!), '×'),
    notes: ['Counts without a scan: the trigger-kept counts plus index ranges over pending uploads; the baseline counts the whole table (COUNT(*) GROUP BY status, on a connection of its own).'],
  });
  out.push(timed('stuck', `GET /api/uploads?stuck=true (the Stuck view)`, STUCK_TARGET_MS));
  return out;
}

async function time(call: () => Promise<void>, count: number, maxMs: number): Promise<number[]> {
  const samples: number[] = [];
  const deadline = performance.now() + maxMs;
  while (samples.length < count && (samples.length < 5 || performance.now() < deadline)) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}
