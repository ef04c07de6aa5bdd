// Dashboard speed in Chromium: the production build, served by the real server (server/index.ts
// in a child process) over a store holding 100,000 uploads, driven by Playwright in headless
// Chromium. Three things an operator feels:
//   - navigation → first rows painted, against a "floor app" (bench/weight.ts's: react, router,
//     TanStack Query and Virtual, Tailwind) served by the same server from the same data, in
//     interleaved rounds, each in a fresh browser context (cold cache, signing in by the login URL);
//   - click on Cancel → the row's badge reads "cancelled" (the list's optimistic change: the cancel
//     itself waits out an Undo window, and its request is held back so no answer can interfere);
//   - scrolling through 5,000 rows: frame durations, and how many rows the DOM ever holds.
// Times are read in the page (performance.now(), from bench/lib/page-probes.js), never across
// Playwright's protocol.
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Route } from '@playwright/test';
import { request } from 'undici';
import { build } from 'vite';
import type { UploadList } from '#contract/dashboard-api.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { openStore } from '#server/store/open-store.ts';
import { findChromium, launchChromium } from './lib/browser.ts';
import { REPO_ROOT } from './lib/child.ts';
import { callJson, startConsoleServer, type RunningConsoleServer } from './lib/console-server.ts';
import { fillUploads } from './lib/fill-uploads.ts';
import { formatNumber, pairwiseRatios, percentile, roundOrder, summarize, type BenchOptions, type Row } from './lib/report.ts';
import { FLOOR_PARENT, writeFloorApp } from './weight.ts';

/** Issue 14's target. */
const NAVIGATION_TARGET = 1.3;
const CLICK_TARGET_MS = 16;
const MAX_ROWS_IN_DOM = 200;
const LONG_FRAME_MS = 50;
const VIEWPORT = { width: 1440, height: 900 };
const PROBES = fileURLToPath(new URL('./lib/page-probes.js', import.meta.url));
const FLOOR_BASE = '/floor/';

interface Sizes {
  uploads: number;
  /** How far back they go: --quick's few uploads crowd into one day, so that enough of them are pending. */
  spanDays: number;
  rounds: number;
  clicks: number;
  scrollRows: number;
  scrollStepPx: number;
  scrollMaxMs: number;
}

type App = 'dashboard' | 'floor';

/** Milliseconds from navigation start; null where the page has no such entry. */
interface FirstRow {
  inDom: number;
  painted: number;
  fcp: number | null;
  /** The HTML document fully received. */
  documentEnd: number | null;
  /** The last script received. */
  scriptsEnd: number | null;
  /** The first GET /api/uploads: sent, and answered. */
  listStart: number | null;
  listEnd: number | null;
  /** Main-thread long tasks (> 50 ms each) between the list's answer and the first row in the DOM. */
  busyAfterList: number | null;
}

type ClickResult = { scrolled: boolean } | { filename: string; inDom: number; painted: number } | { filename: string; timedOut: true };

/** What bench/lib/page-probes.js puts on the page's window. */
interface Probes {
  whenFirstRow: Promise<FirstRow>;
  clickCancelOnPendingRow(): Promise<ClickResult> | ClickResult;
  scrollThrough(targetRows: number, stepPx: number, maxMs: number): Promise<ScrollResult>;
}

/**
 * The page's global object as the functions passed to page.evaluate see it (they run in the page,
 * serialized, so they can use nothing from this module; this side has no DOM types). Functions,
 * not strings: the dashboard's CSP forbids eval, which string expressions would need.
 */
interface ProbedWindow {
  __ucBench: Probes;
}

interface ScrollResult {
  frames: number[];
  maxRowsInDom: number;
  rowsPassed: number;
  ms: number;
  reached: boolean;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const sizes: Sizes = options.quick
    ? { uploads: 2_000, spanDays: 1, rounds: 1, clicks: 4, scrollRows: 300, scrollStepPx: 100, scrollMaxMs: 20_000 }
    : { uploads: 100_000, spanDays: 30, rounds: 5, clicks: 24, scrollRows: 5_000, scrollStepPx: 100, scrollMaxMs: 120_000 };
  const chromium = findChromium();
  if ('problem' in chromium) return skipped(sizes, `skipped: ${chromium.problem}`);

  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-speed-'));
  mkdirSync(FLOOR_PARENT, { recursive: true });
  const floorRoot = mkdtempSync(join(FLOOR_PARENT, 'app-'));
  let server: RunningConsoleServer | null = null;
  let browser: Browser | null = null;
  try {
    // The server serves <dir>/dist: the dashboard at /, the floor app at /floor/.
    options.log('speed: building the dashboard and the floor app (vite build)…');
    await buildDashboard(join(dir, 'dist'), options);
    writeFloorApp(floorRoot, { basename: FLOOR_BASE.slice(0, -1) });
    await viteBuild(floorRoot, join(dir, 'dist', 'floor'), FLOOR_BASE);

    options.log(`speed: recording ${sizes.uploads.toLocaleString('en-US')} uploads into the store…`);
    const store = await openStore({ databasePath: join(dir, 'console.sqlite'), stuckRule: createStuckRule() });
    let fillMs: number;
    try {
      ({ ms: fillMs } = await fillUploads(store, sizes.uploads, Math.floor(Date.now() / 1000), { lapsedPendingAs: 'expired', spanDays: sizes.spanDays }));
    } finally {
      await store.close();
    }
    options.log(`speed: filled in ${(fillMs / 1000).toFixed(1)} s; starting the server…`);
    server = await startConsoleServer({ dir });
    await expectFloorServed(server);
    const newest = (await callJson<UploadList>(server, '/api/uploads?limit=1')).data[0]?.upload.filename;
    if (!newest) throw new Error('the store holds no uploads');

    browser = await launchChromium(chromium);
    const version = browser.version();
    const urls: Record<App, string> = {
      dashboard: `${server.origin}/?token=${encodeURIComponent(server.adminToken)}`,
      floor: `${server.origin}${FLOOR_BASE}?token=${encodeURIComponent(server.adminToken)}`,
    };
    const open = async (app: App): Promise<{ context: BrowserContext; page: Page; firstRow: FirstRow }> => {
      const context = await browser!.newContext({ viewport: VIEWPORT });
      try {
        await context.addInitScript({ content: `window.__ucBenchFirstRowText = ${JSON.stringify(newest)};` });
        await context.addInitScript({ path: PROBES });
        const page = await context.newPage();
        await page.goto(urls[app], { waitUntil: 'commit' });
        const firstRow = await withTimeout(
          page.evaluate(() => (globalThis as unknown as ProbedWindow).__ucBench.whenFirstRow),
          30_000,
        );
        return { context, page, firstRow };
      } catch (error) {
        await context.close();
        throw new Error(`${app}: the first row (${newest}) did not appear: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
      }
    };

    // Navigation: one warm-up each (the server's first answers compile code), then interleaved rounds.
    const firstRows: Record<App, FirstRow[]> = { dashboard: [], floor: [] };
    for (const app of ['dashboard', 'floor'] as const) await (await open(app)).context.close();
    for (let round = 0; round < sizes.rounds; round++) {
      for (const app of roundOrder(['dashboard', 'floor'] as const, round)) {
        const { context, firstRow } = await open(app);
        await context.close();
        firstRows[app].push(firstRow);
      }
      options.log(`speed: navigation round ${round + 1}/${sizes.rounds}: dashboard ${formatNumber(firstRows.dashboard.at(-1)!.painted)} ms, floor ${formatNumber(firstRows.floor.at(-1)!.painted)} ms`);
    }

    options.log(`speed: scrolling through ${sizes.scrollRows.toLocaleString('en-US')} rows…`);
    const scroll = await (async () => {
      const { context, page } = await open('dashboard');
      try {
        await settle(page);
        return await page.evaluate(([rows, step, maxMs]) => (globalThis as unknown as ProbedWindow).__ucBench.scrollThrough(rows, step, maxMs), [sizes.scrollRows, sizes.scrollStepPx, sizes.scrollMaxMs] as const);
      } finally {
        await context.close();
      }
    })();
    options.log(`speed: scrolled ${scroll.rowsPassed.toLocaleString('en-US')} rows in ${(scroll.ms / 1000).toFixed(1)} s; clicking Cancel…`);

    // Last, because a held-back cancel may still reach the server as the page closes.
    const clicks = await (async () => {
      const { context, page } = await open('dashboard');
      const held: Route[] = [];
      try {
        await context.route('**/api/uploads/*/cancel', (route) => void held.push(route));
        await settle(page);
        const results: { inDom: number; painted: number }[] = [];
        let timedOut = 0;
        for (let attempt = 0; results.length < sizes.clicks && attempt < sizes.clicks * 10; attempt++) {
          const result = await page.evaluate(() => (globalThis as unknown as ProbedWindow).__ucBench.clickCancelOnPendingRow());
          if ('scrolled' in result) {
            if (!result.scrolled) break; // the end of the list, and no pending row left in view
            await sleep(400);
            continue;
          }
          if ('timedOut' in result) timedOut++;
          else results.push(result);
          await sleep(250);
        }
        if (results.length === 0) throw new Error(`no click on Cancel turned a badge to "cancelled" (${timedOut} waited 5 s in vain)`);
        return { results, timedOut, held: held.length };
      } finally {
        await Promise.all(held.map((route) => route.abort().catch(() => undefined)));
        await context.close();
      }
    })();

    return rowsFor({ sizes, firstRows, scroll, clicks, version, label: chromium.label, fillMs });
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(floorRoot, { recursive: true, force: true });
    try {
      rmdirSync(FLOOR_PARENT); // only when empty: another run may be building its own floor app
    } catch {
      // not empty, or already gone
    }
  }
}

function rowsFor({
  sizes,
  firstRows,
  scroll,
  clicks,
  version,
  label,
  fillMs,
}: {
  sizes: Sizes;
  firstRows: Record<App, FirstRow[]>;
  scroll: ScrollResult;
  clicks: { results: { inDom: number; painted: number }[]; timedOut: number; held: number };
  version: string;
  label: string;
  fillMs: number;
}): Row[] {
  const uploads = sizes.uploads.toLocaleString('en-US');
  const ms = (values: number[]) => summarize(values, 'ms');
  const painted = (app: App) => firstRows[app].map((r) => r.painted);
  const milestone = (app: App, key: Exclude<keyof FirstRow, 'inDom'>) => {
    const values = firstRows[app].map((r) => r[key]).filter((v): v is number => v !== null);
    return values.length ? formatNumber(ms(values).median) : '—';
  };
  const fcp = (app: App) => `FCP ${milestone(app, 'fcp')} ms`;
  // The dashboard's page carries its first list page (server/routes/static-routes.ts): no request to time.
  const listTimeline = (app: App) =>
    firstRows[app].every((r) => r.listStart === null)
      ? 'the first page in the document (no GET /api/uploads before the row)'
      : `first GET /api/uploads sent ${milestone(app, 'listStart')} and answered ${milestone(app, 'listEnd')}, then ${milestone(app, 'busyAfterList')} ms of long tasks`;
  const timeline = (app: App) =>
    `document received ${milestone(app, 'documentEnd')}, scripts received ${milestone(app, 'scriptsEnd')}, ${listTimeline(app)}, ` +
    `FCP ${milestone(app, 'fcp')}, row painted ${milestone(app, 'painted')}`;
  const navigationRatio = summarize(pairwiseRatios(painted('dashboard'), painted('floor')), '×');
  const inDom = ms(clicks.results.map((r) => r.inDom));
  const longFrames = scroll.frames.filter((f) => f > LONG_FRAME_MS).length;
  const frameP95 = scroll.frames.length ? percentile(scroll.frames, 95) : 0;
  const scrollName = `${sizes.scrollRows.toLocaleString('en-US')} rows`;
  const notReached = scroll.reached ? [] : [`The scroll stopped after ${(scroll.ms / 1000).toFixed(0)} s at row ${scroll.rowsPassed.toLocaleString('en-US')}, short of ${sizes.scrollRows.toLocaleString('en-US')}.`];
  return [
    {
      bench: 'speed',
      name: `Navigation → first rows painted (${uploads} uploads)`,
      ours: { value: ms(painted('dashboard')), detail: fcp('dashboard') },
      baseline: { label: 'floor app', value: ms(painted('floor')), detail: fcp('floor') },
      ratio: navigationRatio,
      target: `≤ ${NAVIGATION_TARGET}× floor`,
      met: navigationRatio.median <= NAVIGATION_TARGET,
      notes: [
        `${label}, ${version}, headless, ${VIEWPORT.width}×${VIEWPORT.height}; the real server (server/index.ts) in a child process with ` +
          `${uploads} uploads in its SQLite store (recorded in ${(fillMs / 1000).toFixed(0)} s), serving the production build at / and ` +
          `bench/weight.ts's floor app at ${FLOOR_BASE}. Each navigation is a fresh browser context opening the login URL (a 303 to the page ` +
          `with a session cookie, cold cache); timed from navigation start to the frame after the newest upload's filename entered the DOM ` +
          `(requestAnimationFrame, then a posted message), read in the page. ${sizes.rounds} round${sizes.rounds === 1 ? '' : 's'}, the two apps' order alternating, after one warm-up each.`,
        `Where the time goes (medians of the rounds, ms from navigation start; Resource and Long Tasks Timing): dashboard: ${timeline('dashboard')}; ` +
          `floor app: ${timeline('floor')}.`,
      ],
    },
    {
      bench: 'speed',
      name: 'Click Cancel → badge reads "cancelled"',
      ours: {
        value: inDom,
        detail: `p95 ${formatNumber(percentile(clicks.results.map((r) => r.inDom), 95))} ms; to the next frame: p50 ${formatNumber(ms(clicks.results.map((r) => r.painted)).median)} ms`,
      },
      baseline: null,
      ratio: null,
      target: `p50 ≤ ${CLICK_TARGET_MS} ms`,
      met: inDom.median <= CLICK_TARGET_MS,
      notes: [
        `${clicks.results.length} clicks, each on a different pending row in view (element.click() from page.evaluate), timed from just before the ` +
          `click to the MutationObserver callback that saw the row's badge read "cancelled"; median (min–max) over the clicks. A click in the list only marks the row and opens ` +
          `the Undo toast; the request follows 5 s later and was held back (page.route, never answered: ${clicks.held} held).` +
          (clicks.timedOut ? ` ${clicks.timedOut} click(s) changed no badge within 5 s and are left out.` : '') +
          (clicks.results.length < sizes.clicks ? ` Only ${clicks.results.length} of the ${sizes.clicks} clicks planned found a pending row.` : ''),
      ],
    },
    {
      bench: 'speed',
      name: `Scroll ${scrollName}: frames > ${LONG_FRAME_MS} ms`,
      ours: { value: summarize([longFrames], 'frames'), detail: `p95 frame ${formatNumber(frameP95)} ms, longest ${formatNumber(Math.max(0, ...scroll.frames))} ms; ${scroll.frames.length.toLocaleString('en-US')} frames in ${(scroll.ms / 1000).toFixed(1)} s` },
      baseline: null,
      ratio: null,
      target: '—',
      met: null,
      notes: [
        `The list's scroll container scrolled ${sizes.scrollStepPx} px per requestAnimationFrame from the top until row ` +
          `${sizes.scrollRows.toLocaleString('en-US')} was rendered (the list fetching 100-row pages as it nears its end); frame durations from rAF timestamps.`,
        ...notReached,
      ],
    },
    {
      bench: 'speed',
      name: `Scroll ${scrollName}: most [role=row] in the DOM`,
      ours: { value: summarize([scroll.maxRowsInDom], 'rows'), detail: `at any frame; ${scroll.rowsPassed.toLocaleString('en-US')} rows passed` },
      baseline: null,
      ratio: null,
      target: `≤ ${MAX_ROWS_IN_DOM}`,
      met: scroll.maxRowsInDom <= MAX_ROWS_IN_DOM,
    },
  ];
}

function skipped(sizes: Sizes, status: string): Row[] {
  const scrollName = `${sizes.scrollRows.toLocaleString('en-US')} rows`;
  return [
    `Navigation → first rows painted (${sizes.uploads.toLocaleString('en-US')} uploads)`,
    'Click Cancel → badge reads "cancelled"',
    `Scroll ${scrollName}: frames > ${LONG_FRAME_MS} ms`,
    `Scroll ${scrollName}: most [role=row] in the DOM`,
  ].map((name) => ({ bench: 'speed', name, ours: null, baseline: null, ratio: null, target: '—', met: null, status }));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets the page finish what follows its first rows (counts, live-update stream, fonts) before it is measured. */
async function settle(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Cancel / }).first().waitFor({ timeout: 30_000 });
  await sleep(1_000);
}

/** The dashboard's production build. Another engineer may be mid-edit in src/: one retry after a pause. */
async function buildDashboard(outDir: string, options: BenchOptions): Promise<void> {
  try {
    await viteBuild(REPO_ROOT, outDir, '/');
  } catch (error) {
    if (options.quick) throw error;
    options.log(`speed: vite build failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); retrying in 30 s…`);
    await sleep(30_000);
    await viteBuild(REPO_ROOT, outDir, '/');
  }
}

async function viteBuild(root: string, outDir: string, base: string): Promise<void> {
  await build({
    root,
    base,
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 100_000 },
  });
}

/** The server's SPA fallback would answer /floor/ with the dashboard: make sure the floor app is what comes back. */
async function expectFloorServed(server: RunningConsoleServer): Promise<void> {
  const response = await request(`${server.origin}${FLOOR_BASE}`);
  const html = await response.body.text();
  if (response.statusCode !== 200 || !html.includes('<title>Floor app</title>')) {
    throw new Error(`${FLOOR_BASE} does not serve the floor app (HTTP ${response.statusCode})`);
  }
}
