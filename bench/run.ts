// `npm run bench`: runs the benchmarks, prints one table (ours, baseline, ratio, target, met)
// and writes bench/results/latest.json. Exits 0 whether or not targets are met (it reports);
// non-zero only when a benchmark crashed.
//
//   npm run bench                          everything (about 10 minutes on a busy 2-core machine)
//   npm run bench -- --only api,weight     some of them: weight, api, passthrough, streaming,
//                                          speed (dashboard in Chromium), bulk (bulk cleanup), load,
//                                          million (a million uploads on both stores), search (api's search rows only)
//   npm run bench -- --quick               tiny sizes, one round: a smoke run
//   npm run bench -- --only api --cases activity   only some of a benchmark's rows (those that take it: api)
//
// A benchmark is one module, bench/<name>.ts, exporting run(options): Promise<Row[]>; list it below.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './lib/child.ts';
import type { BenchModule, Row } from './lib/report.ts';
import { renderTable } from './lib/table.ts';

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  weight: () => import('./weight.ts'),
  api: () => import('./api.ts'),
  passthrough: () => import('./passthrough.ts'),
  streaming: () => import('./streaming.ts'),
  speed: () => import('./dashboard-speed.ts'),
  bulk: () => import('./bulk-cleanup.ts'),
  load: () => import('./load.ts'),
  million: () => import('./million.ts'),
  search: async () => ({ run: (await import('./api.ts')).runSearch }),
};

/** The benchmark under way, for the guard below. */
let running: string | null = null;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, cases: { type: 'string' } },
    strict: true,
  });
  // `search` is a part of `api` on its own: the full run has it inside `api` already.
  const names = values.only ? values.only.split(',').map((name) => name.trim()).filter(Boolean) : Object.keys(BENCHES).filter((name) => name !== 'search');
  const unknown = names.filter((name) => !(name in BENCHES));
  if (unknown.length) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Choose from: ${Object.keys(BENCHES).join(', ')}.`);
    return 2;
  }

  const quick = values.quick;
  const startedAt = new Date();
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  log(`benchmarks: ${names.join(', ')}${quick ? ' (--quick)' : ''} on ${availableParallelism()} cores, Node ${process.version}`);
  const rows: Row[] = [];
  const crashes: { bench: string; error: string }[] = [];
  const seconds: Record<string, number> = {};
  // Other work on a shared machine shows up here; the same-run ratios are meant to absorb it.
  const loadAverages = [loadavg()[0]!];
  for (const name of names) {
    running = name;
    const started = performance.now();
    try {
      const bench = await BENCHES[name]!();
      rows.push(...(await bench.run({ quick, log, cases: values.cases?.split(',').map((name) => name.trim()).filter(Boolean) })));
    } catch (error) {
      // Build tools colour their messages; the JSON and the table want plain text.
      const message = (error instanceof Error ? (error.stack ?? error.message) : String(error)).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
      crashes.push({ bench: name, error: message });
      log(`${name}: CRASHED: ${message}`);
      const firstLine = message.split('\n')[0]!.slice(0, 80);
      rows.push({ bench: name, name: `${name} benchmark`, ours: null, baseline: null, ratio: null, target: '—', met: null, status: `crashed: ${firstLine}` });
    }
    seconds[name] = Math.round((performance.now() - started) / 100) / 10;
    loadAverages.push(loadavg()[0]!);
    log(`${name}: ${seconds[name]} s`);
  }

  console.log('');
  console.log(renderTable(rows));
  console.log('');
  const judged = rows.filter((row) => row.met !== null);
  console.log(
    `${judged.filter((row) => row.met).length} of ${judged.length} targets met. Figures: median of rounds (min–max); ` +
      `ratios are taken round by round against a baseline measured in the same run.`,
  );
  console.log(
    `Machine: ${availableParallelism()} cores, Node ${process.version}; 1-minute load average between benchmarks ` +
      `${Math.min(...loadAverages).toFixed(1)}–${Math.max(...loadAverages).toFixed(1)}.`,
  );

  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'latest.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        quick,
        benches: names,
        seconds,
        machine: { node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model ?? null, memoryBytes: totalmem(), loadAverages },
        commit: gitCommit(),
        rows,
        crashes,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Written: ${file}`);
  return crashes.length ? 1 : 0;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

// A benchmark awaiting what nothing will ever settle (no timer, socket or child left) lets the event
// loop run dry: Node then exits with 0 in the middle of it, printing nothing. Say so and fail instead.
process.once('beforeExit', () => {
  console.error(`The ${running ?? 'benchmark'} benchmark stopped half-way: it awaited something nothing was left to settle (the event loop ran dry). No results were written.`);
  process.exit(1);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
