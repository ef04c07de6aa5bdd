// The one composition root: builds everything the console is made of (store, upstream, the
// embedded emulator when there is no OpenAI key, live feed, cancel service, bulk runner, the
// HTTP app) and owns what has a lifecycle: start() sets the background work going (resumed bulk
// jobs, live counts, the expiry sweep, the reconciler), stop() ends it all in an order that
// loses nothing. server/index.ts, the test harness and the benchmarks all build it here.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import { BulkCancelRunner } from './cancel/bulk-cancel-runner.ts';
import { CancelService } from './cancel/cancel-service.ts';
import { reconcileUnknownCancels } from './cancel/reconcile-unknown-cancels.ts';
import { runDemoTraffic } from './demo/demo-traffic.ts';
import { seedEmptyStore } from './demo/seed-demo-data.ts';
import { createStuckRule } from './domain/stuck-rule.ts';
import { startEmulator, type RunningEmulator } from './emulator/server.ts';
import { createOperatorDirectory, createTokenMatcher, type NamedToken, type OperatorToken } from './lib/auth.ts';
import { ChangeFeed } from './lib/change-feed.ts';
import { systemClock, unixSeconds, type Clock } from './lib/clock.ts';
import { broadcastCounts } from './lib/counts-broadcaster.ts';
import { consoleLogger, type Logger } from './lib/logger.ts';
import { openStore } from './store/open-store.ts';
import { createUpstreamClient, type UpstreamClient } from './upstream/openai-client.ts';

/** Where the console sends its cancels and the pass-through's traffic. */
export type UpstreamChoice =
  /** The real OpenAI API, or anything that speaks it at `baseUrl` (e.g. an emulator run elsewhere). */
  | { kind: 'remote'; baseUrl: string; apiKey: string; organization?: string | undefined; project?: string | undefined }
  /** The embedded emulator, on 127.0.0.1. */
  | {
      kind: 'emulator';
      apiKey: string;
      /** 0 (the default) picks a free one. */
      port?: number;
      /** Folder for its state (emulator.sqlite, emulator-parts/); null keeps it in memory and a temporary folder. */
      dataDir: string | null;
    };

export interface ConsoleConfig {
  /** The store's SQLite file, or ':memory:'. */
  databasePath: string;
  upstream: UpstreamChoice;
  /** Timeout of each upstream call (parts through the pass-through get longer). */
  upstreamTimeoutMs: number;
  /** Replaces the upstream client built from `upstream`; gets the base URL it would have used. */
  upstreamClient?: (baseUrl: string) => UpstreamClient;
  operators: OperatorToken[];
  /** Tokens the pass-through accepts from OpenAI clients. */
  clients: NamedToken[];
  /** Seconds without a part after which a pending upload counts as stuck (default 600). */
  stuckAfterSeconds?: number;
  /** Upstream cancels in flight at once per bulk job (default 8). */
  bulkConcurrency?: number;
  /** Default: the system clock. The embedded emulator reads it too, so moving it moves both. */
  clock?: Clock;
  /** How the cancel service waits between retries (default: real time). */
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
  /** The built dashboard (dist/); null or absent serves the API only. */
  staticDir?: string | null;
  publicOrigin?: string | null;
  maxPartBytes?: number;
  /** Background work, in ms; null turns a loop off (its first round at start() still runs). */
  intervals?: { expirySweepMs?: number | null; reconcileMs?: number | null; countsMs?: number };
  /** After stop() asks the listening server to close, how long open requests get before they are cut. */
  drainTimeoutMs?: number;
  /** Emulator mode only: demo uploads seeded into an empty store at start(); SDK traffic once listening. */
  demo?: { seed: boolean; size: number; traffic: boolean };
}

const DEFAULT_INTERVALS = { expirySweepMs: 5_000, reconcileMs: 30_000, countsMs: 1_000 };
// Parts may take up to 10 minutes on a slow link (PART_TIMEOUT_MS); Node's default would cut them at 5.
const REQUEST_TIMEOUT_MS = 11 * 60_000;

export async function createConsole(config: ConsoleConfig) {
  const clock = config.clock ?? systemClock;
  const log = config.log ?? consoleLogger;
  const intervals = { ...DEFAULT_INTERVALS, ...config.intervals };
  const stuckRule = createStuckRule(config.stuckAfterSeconds ?? 600);
  const store = await openStore({ databasePath: config.databasePath, stuckRule });

  let emulator: RunningEmulator | null = null;
  let scratchDir: string | null = null;
  let upstream: UpstreamClient;
  try {
    if (config.upstream.kind === 'emulator') {
      const { dataDir } = config.upstream;
      scratchDir = dataDir === null ? mkdtempSync(join(tmpdir(), 'uc-emulator-')) : null;
      emulator = await startEmulator({
        port: config.upstream.port ?? 0,
        apiKey: config.upstream.apiKey,
        databasePath: dataDir === null ? ':memory:' : join(dataDir, 'emulator.sqlite'),
        partsDir: join(dataDir ?? scratchDir!, 'emulator-parts'),
        clock,
      });
    }
    const choice = config.upstream;
    const baseUrl = emulator?.url ?? (choice.kind === 'remote' ? choice.baseUrl : '');
    upstream =
      config.upstreamClient?.(baseUrl) ??
      createUpstreamClient(
        choice.kind === 'remote'
          ? { baseUrl, apiKey: choice.apiKey, organization: choice.organization, project: choice.project, timeoutMs: config.upstreamTimeoutMs }
          : { baseUrl, apiKey: choice.apiKey, timeoutMs: config.upstreamTimeoutMs },
      );
  } catch (error) {
    await emulator?.close();
    await store.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    throw error;
  }

  const feed = new ChangeFeed();
  const cancels = new CancelService({ clock, store, upstream, feed, log, ...(config.sleep ? { sleep: config.sleep } : {}) });
  const runner = new BulkCancelRunner({ clock, store, feed, log }, cancels, { concurrency: config.bulkConcurrency ?? 8 });
  const app = createApp({
    clock,
    store,
    upstream,
    feed,
    cancels,
    runner,
    stuckRule,
    operators: createOperatorDirectory(config.operators),
    findClient: createTokenMatcher(config.clients),
    maxPartBytes: config.maxPartBytes,
    upstreamMode: emulator ? 'emulator' : 'openai',
    staticDir: config.staticDir ?? null,
    log,
    publicOrigin: config.publicOrigin ?? null,
  });

  // OpenAI tells nobody when an upload expires; the console marks it, so lists, counts and live views agree.
  const sweep = async () => {
    for (const record of await store.expireLapsed(unixSeconds(clock), 1000)) feed.emit('upload', record);
  };
  // One round at a time: when OpenAI is slow a round can outlast the interval.
  let reconciling: Promise<number> | null = null;
  const reconcile = (): Promise<number> =>
    (reconciling ??= reconcileUnknownCancels({ store, cancels }).finally(() => (reconciling = null)));

  const timers: NodeJS.Timeout[] = [];
  let stopCounts = () => {};
  let server: ServerType | null = null;
  const stopTraffic = new AbortController();
  let stopping: Promise<void> | null = null;

  async function start(): Promise<{ resumed: number }> {
    if (emulator && config.demo?.seed) await seedEmptyStore({ upstream, store, emulatorClock: emulator.clock, log }, config.demo.size);
    else if (config.demo && config.demo.size > 0) log.warn('--demo-size only seeds an empty store in emulator mode: point DATABASE_PATH at a new file to load it');
    const resumed = await runner.resume();
    if (resumed > 0) log.info(`resumed ${resumed} bulk cancel job(s) left running by the last process`);
    stopCounts = broadcastCounts({ feed, store, clock, log }, intervals.countsMs);
    await sweep();
    const sweepFailed = (error: unknown) => log.error('expiry sweep failed', { error: String(error) });
    if (intervals.expirySweepMs !== null) timers.push(setInterval(() => sweep().catch(sweepFailed), intervals.expirySweepMs));
    const reconcileRound = () =>
      void reconcile().then(
        (settled) => settled > 0 && log.info(`settled ${settled} cancel(s) whose outcome was unknown`),
        (error: unknown) => log.error('reconciling unknown cancels failed', { error: String(error) }),
      );
    reconcileRound();
    if (intervals.reconcileMs !== null) timers.push(setInterval(reconcileRound, intervals.reconcileMs));
    return { resumed };
  }

  /** Opens the port; resolves with the origin once listening, rejects if the port cannot be had. */
  async function listen({ port, host }: { port: number; host: string }): Promise<{ origin: string; port: number }> {
    const listening = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port, hostname: host, serverOptions: { requestTimeout: REQUEST_TIMEOUT_MS } }, () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    server = listening;
    const bound = (listening.address() as AddressInfo).port;
    const origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    const trafficToken = config.clients[0]?.token;
    if (emulator && config.demo?.traffic && trafficToken) {
      log.info('--demo-traffic: SDK clients will now create, fill, complete, stall and abandon uploads through /v1');
      void runDemoTraffic({ baseURL: `${origin}/v1`, apiKey: trafficToken, signal: stopTraffic.signal, log: (line) => log.info(line) });
    } else if (config.demo?.traffic) {
      log.warn('--demo-traffic needs a client token: set CLIENT_TOKENS');
    }
    return { origin, port: bound };
  }

  /**
   * Stops taking work, lets in-flight requests and bulk items finish (unfinished jobs resume at the
   * next start), then closes the upstream, the emulator and the store. Safe to call more than once,
   * and without start() or listen() having been called.
   */
  function stop(): Promise<void> {
    stopping ??= (async () => {
      stopTraffic.abort();
      for (const timer of timers) clearInterval(timer);
      stopCounts();
      const serverClosed = server ? closeServer(server, config.drainTimeoutMs ?? 10_000, log) : Promise.resolve();
      // Live-update streams never end by themselves; everything else gets to finish.
      feed.close();
      await runner.stop();
      // A round that fails has already been logged by whoever started it.
      await reconciling?.catch(() => {});
      await serverClosed;
      await upstream.close();
      await emulator?.close();
      await store.close();
      if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    })();
    return stopping;
  }

  return { app, store, upstream, emulator, feed, cancels, runner, clock, stuckRule, start, listen, stop, reconcile };
}

export type Console = Awaited<ReturnType<typeof createConsole>>;

/** Closes the server: idle connections at once, requests still open after `drainMs` are cut. */
function closeServer(server: ServerType, drainMs: number, log: Logger): Promise<void> {
  const sockets = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if (drainMs <= 0) {
    sockets.closeAllConnections?.();
    return closed;
  }
  const forced = setTimeout(() => {
    log.warn('requests still open after the drain timeout; closing them');
    sockets.closeAllConnections?.();
  }, drainMs);
  forced.unref();
  sockets.closeIdleConnections?.();
  return closed.finally(() => clearTimeout(forced));
}
