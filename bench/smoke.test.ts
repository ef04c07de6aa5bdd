// Smoke test of the benchmarks: each runs with --quick sizes (tiny data, 1 s loads, one round)
// and must produce finite figures. It checks that the benchmarks still work, not how fast
// anything is; `npm run bench` measures.
import { describe, expect, it } from 'vitest';
import * as api from './api.ts';
import { isFiniteMeasure, type BenchModule, type Row } from './lib/report.ts';
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

describe.each<[string, BenchModule]>([
  ['weight', weight],
  ['api', api],
  ['passthrough', passthrough],
  ['streaming', streaming],
])('bench/%s.ts --quick', (_name, bench) => {
  it('produces finite figures', { timeout: 60_000 }, async () => {
    expectFiniteFigures(await bench.run(quick));
  });
});
