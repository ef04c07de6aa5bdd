// Builds the whole console for a test with createConsole, as server/index.ts does: the real
// emulator over loopback HTTP as the upstream, an in-memory store, and known tokens. Background
// loops (expiry sweep, reconciler) run once at start and then only when a test asks for them.
import { createConsole, type ConsoleConfig } from '#server/console.ts';
import { AdjustableClock } from '#server/lib/clock.ts';
import { silentLogger, type Logger } from '#server/lib/logger.ts';
import type { UpstreamClient } from '#server/upstream/openai-client.ts';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const CLIENT_TOKEN = 'client-token-for-tests-0123456789';
export const EMULATOR_KEY = 'sk-emulator-tests-0123456789abcdef';

export const SECOND_OPERATOR_TOKEN = 'second-operator-token-for-tests-0123';
export const READ_ONLY_TOKEN = 'read-only-token-for-tests-0123456789';

/** Waits this long or longer (a retry-after of seconds) are cut short; shorter backoffs run in real time. */
const LONGEST_REAL_WAIT_MS = 1_000;

export interface HarnessOptions {
  /** Seconds without a part before a pending upload counts as stuck (default 600). */
  stuckAfterSeconds?: number;
  bulkConcurrency?: number;
  /** The origin browsers use, when behind a TLS-terminating proxy. */
  publicOrigin?: string;
  /** Use a SQLite file instead of memory (restart tests reopen it). */
  databasePath?: string;
  timeoutMs?: number;
  /** Open a real port for the proxy too (SDK tests). */
  listen?: boolean;
  maxPartBytes?: number;
  log?: Logger;
  /** Replace the upstream client (e.g. one pointed at a closed port). */
  upstream?: (emulatorUrl: string) => UpstreamClient;
  /** Turn the background loops on, with these periods. */
  intervals?: ConsoleConfig['intervals'];
  /** Turn GET /metrics on with this bearer token. */
  metricsToken?: string;
  /** Seconds between rounds of cleanup policies (default 60); their loop runs only when intervals.policyTickMs is set. */
  policyIntervalSeconds?: number;
  /** More pass-through clients, besides `sdk` (CLIENT_TOKEN). */
  moreClients?: ConsoleConfig['clients'];
  /** Webhook alerts (off unless given). */
  alerts?: ConsoleConfig['alerts'];
  /** Serve a dashboard build (a folder with an index.html) as server/index.ts serves dist/. */
  staticDir?: string;
}

export async function startHarness(options: HarnessOptions = {}) {
  const clock = new AdjustableClock();
  const log = options.log ?? silentLogger;
  // What the console was asked to wait is kept for assertions; long waits are shortened.
  const requestedWaits: number[] = [];
  const sleep = (ms: number) => {
    requestedWaits.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, ms >= LONGEST_REAL_WAIT_MS ? 20 : ms));
  };
  const built = await createConsole({
    databasePath: options.databasePath ?? ':memory:',
    upstream: { kind: 'emulator', apiKey: EMULATOR_KEY, dataDir: null },
    upstreamTimeoutMs: options.timeoutMs ?? 3000,
    ...(options.upstream ? { upstreamClient: options.upstream } : {}),
    operators: [
      { name: 'alice', token: OPERATOR_TOKEN },
      { name: 'bob', token: SECOND_OPERATOR_TOKEN },
      { name: 'victor', token: READ_ONLY_TOKEN, role: 'read_only' },
    ],
    clients: [{ name: 'sdk', token: CLIENT_TOKEN }, ...(options.moreClients ?? [])],
    stuckAfterSeconds: options.stuckAfterSeconds ?? 600,
    bulkConcurrency: options.bulkConcurrency ?? 4,
    clock,
    sleep,
    log,
    publicOrigin: options.publicOrigin ?? null,
    ...(options.maxPartBytes ? { maxPartBytes: options.maxPartBytes } : {}),
    intervals: { expirySweepMs: null, reconcileMs: null, countsMs: 50, policyTickMs: null, ...options.intervals },
    ...(options.policyIntervalSeconds ? { policyIntervalSeconds: options.policyIntervalSeconds } : {}),
    alerts: options.alerts ?? null,
    drainTimeoutMs: 0,
    metricsToken: options.metricsToken ?? null,
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  let started: { resumed: number };
  let origin = 'http://localhost';
  try {
    started = await built.start();
    if (options.listen) origin = (await built.listen({ port: 0, host: '127.0.0.1' })).origin;
  } catch (error) {
    await built.stop();
    throw error;
  }
  const { app } = built;

  /** Calls the dashboard API in-process as the operator (Bearer token). */
  const api = async (path: string, init: RequestInit = {}) =>
    await app.request(path, { ...init, headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...(init.headers as Record<string, string>) } });

  /** Calls the /v1 pass-through in-process as a client. */
  const v1 = async (path: string, init: RequestInit = {}) =>
    await app.request(`/v1${path}`, { method: 'POST', ...init, headers: { authorization: `Bearer ${CLIENT_TOKEN}`, ...(init.headers as Record<string, string>) } });

  return {
    app,
    api,
    v1,
    clock,
    /** The embedded emulator (always there in a harness). */
    emulator: built.emulator!,
    store: built.store,
    upstream: built.upstream,
    origin,
    feed: built.feed,
    cancels: built.cancels,
    runner: built.runner,
    /** Runs the cleanup policies (tick() is one round, if due). */
    policyRunner: built.policyRunner,
    /** Bulk jobs the console resumed when it started. */
    resumed: started.resumed,
    /** One reconciler round (or the one already running). */
    reconcile: built.reconcile,
    requestedWaits,
    /** Null unless metricsToken was given. */
    metrics: built.metrics,
    close: built.stop,
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
