// The sample Grafana dashboard (README: Metrics) asks only for metrics a console reports, so it
// cannot drift from them silently; its panels do not overlap.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { systemClock } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { openStore } from '#server/store/open-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { parsePrometheusText } from '#server/test-support/prometheus-text.ts';
import { createConsoleMetrics } from './console-metrics.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(new URL('./grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Panel[]; templating: { list: { name: string }[] } };

let store: UploadStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe('the sample Grafana dashboard', () => {
  it('queries only metric families a console reports', async () => {
    store = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule(600) });
    const metrics = createConsoleMetrics();
    metrics.watch({ store, clock: systemClock, log: silentLogger });
    metrics.setPoliciesRunning(() => 0);
    const reported = parsePrometheusText((await metrics.render()).body).types;
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThanOrEqual(20);
    const asked = new Set(exprs.flatMap((e) => e.match(/\b(?:uploads_console|process|nodejs)_[a-z0-9_]+/g) ?? []));
    for (const name of asked) {
      const family = reported.has(name) ? name : name.replace(/_(bucket|count|sum)$/, '');
      expect(reported.has(family), name).toBe(true);
    }
    // Every console metric is on the dashboard.
    for (const [family] of reported) if (family.startsWith('uploads_console_')) expect([...asked].some((name) => name.startsWith(family)), family).toBe(true);
  });

  it('lays its panels out without overlaps, each on the chosen Prometheus', () => {
    expect(dashboard.templating.list.map((v) => v.name)).toContain('datasource');
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      if (panel.type !== 'row') expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${panel.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });
});
