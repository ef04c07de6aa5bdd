// Smoke test of the benchmarks: each runs with --quick sizes (tiny data, 1 s loads, one round)
// and must produce finite figures. It checks that the benchmarks still work, not how fast
// anything is; `npm run bench` measures.
import { describe, expect, it } from 'vitest';
import * as api from './api.ts';
import * as bulk from './bulk-cleanup.ts';
import * as speed from './dashboard-speed.ts';
import { findChromium } from './lib/browser.ts';
import { isFiniteMeasure, type BenchModule, type Row } from './lib/report.ts';
import * as load from './load.ts';
import * as million from './million.ts';
import * as passthrough from './passthrough.ts';
import * as streaming from './streaming.ts';
import * as weight from './weight.ts';

const quick = { quick: true, log: () => {} };

function expectFiniteFigures(rows: Row[]): void {
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.filter((row) => row.ours !== null).length).toBeGreaterThan(0);
  for (const row of rows) {
    // A row without a figure must say why (e.g. "not available yet", nginx missing).
    if (row.ours === null) expect(row.status, row.name).toBeTruthy();
    for (const measure of [row.ours?.value, row.baseline?.value, row.ratio]) {
      if (measure) expect(isFiniteMeasure(measure), `${row.name}: ${JSON.stringify(measure)}`).toBe(true);
    }
  }
}

describe.each<[string, BenchModule, number]>([
  ['weight', weight, 60_000],
  ['api', api, 60_000],
  // Four servers and, when installed, a PostgreSQL cluster: slower to start on a busy machine.
  ['passthrough', passthrough, 90_000],
  ['streaming', streaming, 60_000],
  ['bulk-cleanup', bulk, 60_000],
  ['load', load, 60_000],
  ['million', million, 90_000],
])('bench/%s.ts --quick', (_name, bench, timeout) => {
  it('produces finite figures', { timeout }, async () => {
    expectFiniteFigures(await bench.run(quick));
  });
});

// Chromium is what it measures: without one it only reports that it skipped.
describe('bench/dashboard-speed.ts --quick', () => {
  const chromium = findChromium();
  it.skipIf('problem' in chromium)('produces finite figures in Chromium', { timeout: 120_000 }, async () => {
    expectFiniteFigures(await speed.run(quick));
  });
});
