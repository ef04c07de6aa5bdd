// A real Prometheus (Debian's) scraping a running console with the README's scrape config, while
// the openai SDK sends traffic through the pass-through: the target is up, and the queries the
// sample dashboard makes return what happened. promtool finds nothing to say about the console's
// own metrics. Skips, saying what to install, without Prometheus (`.ci/run` installs it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#server/test-support/eventually.ts';
import { CLIENT_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { freePort } from '#server/test-support/server-process.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const installed = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
if (!installed) console.warn('server/metrics/prometheus.test.ts skipped: Prometheus is not installed (apt-get install -y prometheus)');

const METRICS_TOKEN = 'metrics-token-for-prometheus-0123456789';

describe.skipIf(!installed)('a real Prometheus scraping the console', () => {
  let h: Harness;
  let dir: string;
  let prometheus: ChildProcess;
  let promOrigin: string;
  let output = '';

  beforeAll(async () => {
    h = await startHarness({ listen: true, metricsToken: METRICS_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'uc-prometheus-'));
    writeFileSync(join(dir, 'token'), METRICS_TOKEN);
    // The README's config, with a fast interval and this console as the target.
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'scrape_configs:',
        '  - job_name: uploads-console',
        '    scrape_interval: 1s',
        '    authorization:',
        '      type: Bearer',
        `      credentials_file: ${join(dir, 'token')}`,
        '    static_configs:',
        `      - targets: ['${new URL(h.origin).host}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    promOrigin = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => expect((await fetch(`${promOrigin}/-/ready`)).status).toBe(200), 20_000, 200).catch((error: unknown) => {
      throw new Error(`Prometheus did not start: ${String(error)}\n${output}`);
    });
  }, 30_000);
  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One instant query's series, as [labels, value]. */
  async function query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]> {
    const res = await fetch(`${promOrigin}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(body.status, promql).toBe('success');
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }
  const single = async (promql: string) => (await query(promql))[0]?.value;

  /** Creates, fills and completes one upload, creates and cancels another, and has one request refused. */
  async function sdkTraffic(): Promise<void> {
    const sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
    const upload = await sdk.uploads.create({ filename: 'scraped.jsonl', purpose: 'batch', bytes: 2, mime_type: 'application/jsonl' });
    const part = await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('hi'), 'p') });
    await sdk.uploads.complete(upload.id, { part_ids: [part.id] });
    await sdk.uploads.cancel((await sdk.uploads.create({ filename: 'dropped.jsonl', purpose: 'batch', bytes: 2, mime_type: 'application/jsonl' })).id);
    const refused = new OpenAI({ apiKey: 'not-a-client-token-0123456789', baseURL: `${h.origin}/v1`, maxRetries: 0 });
    await expect(refused.uploads.create({ filename: 'refused.jsonl', purpose: 'batch', bytes: 2, mime_type: 'application/jsonl' })).rejects.toMatchObject({ status: 401 });
  }

  it('sees the target up and the metrics move with SDK traffic', async () => {
    await eventually(async () => expect(await single('up{job="uploads-console"}')).toBe(1), 15_000, 250);
    const before = {
      completed: (await single('max(uploads_console_uploads{status="completed"})')) ?? 0,
      cancels: (await single('sum(uploads_console_cancels_total{outcome="cancelled",source="pass_through"})')) ?? 0,
      creates: (await single('sum(uploads_console_pass_through_requests_total{route="/v1/uploads",status="200"})')) ?? 0,
      parts: (await single('sum(uploads_console_upstream_request_duration_seconds_count{operation="parts",status="200"})')) ?? 0,
    };
    await sdkTraffic();
    await eventually(
      async () => {
        expect(await single('max(uploads_console_uploads{status="completed"})')).toBe(before.completed + 1);
        expect(await single('sum(uploads_console_cancels_total{outcome="cancelled",source="pass_through"})')).toBe(before.cancels + 1);
        expect(await single('sum(uploads_console_pass_through_requests_total{route="/v1/uploads",status="200"})')).toBe(before.creates + 2);
        expect(await single('sum(uploads_console_upstream_request_duration_seconds_count{operation="parts",status="200"})')).toBe(before.parts + 1);
      },
      15_000,
      250,
    );
    // The dashboard's latency query has an answer.
    const p95 = await single('histogram_quantile(0.95, sum by (le) (uploads_console_upstream_request_duration_seconds_bucket{operation="create"}))');
    expect(p95).toBeGreaterThan(0);
  }, 40_000);

  it("runs every query of the sample Grafana dashboard", async () => {
    const dashboard = JSON.parse(readFileSync(new URL('./grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr.replaceAll('$__rate_interval', '1m') })));
    await eventually(async () => expect(await single('up{job="uploads-console"}')).toBe(1), 15_000, 250);
    await sdkTraffic();
    // Every panel has data once its rates have two scrapes of the traffic, the policies' gauge
    // included (0 runs in progress). (query() checks Prometheus accepted each.)
    await eventually(
      async () => {
        const empty: string[] = [];
        for (const { title, expr } of exprs) if ((await query(expr)).length === 0) empty.push(title);
        expect(empty).toEqual([]);
      },
      15_000,
      500,
    );
  }, 30_000);

  it("has promtool find nothing wrong with the console's own metrics", async () => {
    const scrape = await (await fetch(`${h.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    const problems = `${checked.stdout}${checked.stderr}`.split('\n').filter(Boolean);
    // prom-client's own process gauges end in _total (nodejs_active_handles_total…): theirs, not ours.
    expect(problems.filter((line) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(line))).toEqual([]);
  });
});
