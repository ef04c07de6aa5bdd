// The one composition root: builds everything the console is made of (store, upstream, the
// embedded emulator when there is no OpenAI key, live feed, cancel service, bulk runner, the
// HTTP app) and owns what has a lifecycle: start() sets the background work going (the live
// listener, resumed bulk jobs, live counts, the expiry sweep, the reconciler, retention), stop() ends it all
// in an order that loses nothing. server/index.ts, the test harness and the benchmarks all build it here.
//
// With a databaseUrl the store is PostgreSQL and this console is one replica among several: live
// changes come from the database (server/live/), failed sign-in attempts are counted in it, and
// /readyz says whether this replica should get traffic.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createAlerts, NO_ALERTS, type AlertSettings, type AlertTiming } from './alerts/alerts.ts';
import { createApp } from './app.ts';
import { BulkCancelRunner, defaultReplicaId } from './cancel/bulk-cancel-runner.ts';
import { CancelService } from './cancel/cancel-service.ts';
import type { PolicyRun } from '#contract/policies.ts';
import { PolicyRunner } from './policies/policy-runner.ts';
import { PolicyService } from './policies/policy-service.ts';
import { reconcileUnknownCancels } from './cancel/reconcile-unknown-cancels.ts';
import { runDemoTraffic } from './demo/demo-traffic.ts';
import { seedEmptyStore } from './demo/seed-demo-data.ts';
import { createStuckRule } from './domain/stuck-rule.ts';
import { startEmulator, type RunningEmulator } from './emulator/server.ts';
import { REPLICAS_NEED_TOKENS } from './env.ts';
import { createOperatorDirectory, createTokenMatcher, type NamedToken, type OperatorToken } from './lib/auth.ts';
import { memoryAttemptLimiters, postgresAttemptLimiters, type AttemptLimiters, type AttemptLimits } from './lib/attempt-limiter.ts';
import { ChangeFeed } from './lib/change-feed.ts';
import { parseTrustProxy } from './lib/client-address.ts';
import { systemClock, unixSeconds, type Clock } from './lib/clock.ts';
import { broadcastCounts } from './lib/counts-broadcaster.ts';
import { answersWithin, type Readiness } from './lib/health-routes.ts';
import { consoleLogger, type Logger } from './lib/logger.ts';
import { ALWAYS_LIVE, createChangeRelay, type ChangeRelay, type ChangeRelayOptions } from './live/change-relay.ts';
import { createConsoleMetrics } from './metrics/console-metrics.ts';
import { instrumentStore } from './metrics/instrument-store.ts';
import { instrumentUpstream } from './metrics/instrument-upstream.ts';
import { DEFAULT_RETENTION, RetentionSweeper, type RetentionSettings } from './retention/retention-sweeper.ts';
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
  /** The store's SQLite file, or ':memory:' (unused when databaseUrl is set). */
  databasePath: string;
  /**
   * postgres://… : the store is PostgreSQL, shared with any other replica using the same URL. It
   * holds a password: it is never logged. Needs operator tokens (the same on every replica).
   */
  databaseUrl?: string | null | undefined;
  /** Where the live listener connects instead of databaseUrl (which may go through a pooler that cannot hold a LISTEN session). */
  databaseListenUrl?: string | null | undefined;
  /** TRUST_PROXY (server/lib/client-address.ts): the proxies whose X-Forwarded-For names the client. Default: none. */
  trustProxy?: string | null | undefined;
  /** Live updates across replicas: coalescing windows, listener heartbeat and reconnect (PostgreSQL only). */
  live?: ChangeRelayOptions;
  /** Failed token attempts allowed per address and window (default 10 per 5 minutes). */
  attemptLimits?: AttemptLimits;
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
  /** Bulk cancels in flight upstream at once, all jobs (and on PostgreSQL all replicas) together (default 8). */
  bulkConcurrency?: number;
  /** How long a bulk item's claim lasts unless renewed (default 30 s): how soon a dead replica's items are taken over. */
  bulkLeaseSeconds?: number;
  /** Seconds between rounds of cleanup policy evaluation, one replica per round (default 60). */
  policyIntervalSeconds?: number;
  /** Told of every finished policy run, with its counts and the policy's name, on the one replica that finished it (for alerts). */
  onPolicyRunFinished?: (run: PolicyRun) => void;
  /** This replica's name on its bulk leases, unique among the replicas (default: host, process and a random part; 'local' on SQLite). */
  replicaId?: string | null | undefined;
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
  intervals?: {
    expirySweepMs?: number | null;
    reconcileMs?: number | null;
    countsMs?: number;
    policyTickMs?: number | null;
    retentionMs?: number | null;
    /** How often the stuck count is compared with ALERT_STUCK_THRESHOLD, and how often due alerts are sent (when ALERT_WEBHOOK_URL is set). */
    alertCheckMs?: number | null;
    alertDeliverMs?: number | null;
  };
  /** ALERT_WEBHOOK_URL (a secret) and ALERT_STUCK_THRESHOLD; null or absent: no alerts. Links in messages use publicOrigin, else the listening origin. */
  alerts?: (AlertSettings & { timing?: AlertTiming }) | null;
  /** RETENTION_DAYS and AUDIT_RETENTION_DAYS (default 30 and 365; 0 keeps forever). */
  retention?: RetentionSettings;
  /** After stop() asks the listening server to close, how long open requests get before they are cut. */
  drainTimeoutMs?: number;
  /** Emulator mode only: demo uploads seeded into an empty store at start(); SDK traffic once listening. */
  demo?: { seed: boolean; size: number; traffic: boolean };
  /** METRICS_TOKEN: the bearer token of GET /metrics. Null or absent: no metrics are kept, and /metrics answers 404. */
  metricsToken?: string | null | undefined;
}

const DEFAULT_INTERVALS = { expirySweepMs: 5_000, reconcileMs: 30_000, countsMs: 1_000, retentionMs: 10 * 60_000, alertCheckMs: 15_000, alertDeliverMs: 2_000 };
/** How long /readyz waits for the store before calling it unreachable. */
const READINESS_PING_MS = 2_000;
// Parts may take up to 10 minutes on a slow link (PART_TIMEOUT_MS); Node's default would cut them at 5.
const REQUEST_TIMEOUT_MS = 11 * 60_000;

export async function createConsole(config: ConsoleConfig) {
  const clock = config.clock ?? systemClock;
  const log = config.log ?? consoleLogger;
  const intervals = { ...DEFAULT_INTERVALS, ...config.intervals };
  const stuckRule = createStuckRule(config.stuckAfterSeconds ?? 600);
  const databaseUrl = config.databaseUrl || null;
  if (databaseUrl && config.operators.length === 0) throw new Error(REPLICAS_NEED_TOKENS);
  const trustProxy = parseTrustProxy(config.trustProxy);
  // Metrics are kept only when they can be read: without a token, nothing is wrapped or counted.
  const metrics = config.metricsToken ? createConsoleMetrics() : null;
  const opened = await openStore({ databasePath: config.databasePath, databaseUrl, stuckRule, logger: log });
  const store = metrics ? instrumentStore(opened, metrics) : opened;
  metrics?.watch({ store, clock, log });

  let limiters: AttemptLimiters;
  try {
    limiters = databaseUrl ? await postgresAttemptLimiters(databaseUrl, log, config.attemptLimits) : memoryAttemptLimiters(config.attemptLimits);
  } catch (error) {
    await store.close();
    throw error;
  }

  let emulator: RunningEmulator | null = null;
  let scratchDir: string | null = null;
  let upstream: UpstreamClient;
  try {
    if (config.upstream.kind === 'emulator') {
      if (databaseUrl) log.warn('the embedded emulator belongs to this replica alone: for several replicas, run one upstream (OPENAI_BASE_URL) they all share');
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
    if (metrics) upstream = instrumentUpstream(upstream, metrics);
  } catch (error) {
    await emulator?.close();
    await limiters.close();
    await store.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    throw error;
  }

  // On PostgreSQL the database announces every change (server/live/), to every replica alike.
  const feed = new ChangeFeed({ announcedByDatabase: databaseUrl !== null });
  const relay: ChangeRelay | null = databaseUrl ? createChangeRelay({ connectionString: config.databaseListenUrl || databaseUrl, feed, store, clock, log }, config.live) : null;
  const live = relay ?? ALWAYS_LIVE;
  let stopping: Promise<void> | null = null;
  // Not ready while stopping, from its first moment: the balancer stops sending before the port closes.
  const readiness = async (): Promise<Readiness> => {
    const storeAnswers = stopping === null && (await answersWithin(() => store.ping(), READINESS_PING_MS));
    const listening = live.connected();
    return { ready: stopping === null && storeAnswers && listening, store: storeAnswers, migrations: true, live: listening, stopping: stopping !== null };
  };
  const cancels = new CancelService({ clock, store, upstream, feed, log, ...(config.sleep ? { sleep: config.sleep } : {}) });
  // One name for this replica's leases, bulk items and reconciler claims alike.
  const replicaId = config.replicaId || defaultReplicaId(databaseUrl !== null);
  const leaseMs = config.bulkLeaseSeconds ? config.bulkLeaseSeconds * 1000 : undefined;
  const runner = new BulkCancelRunner({ clock, store, feed, log }, cancels, {
    concurrency: config.bulkConcurrency ?? 8,
    owner: replicaId,
    ...(leaseMs ? { leaseMs } : {}),
    // A cleanup policy's run writes itself down before its job: its cancels are audited as the policy's.
    auditSource: async (jobId) => ((await store.policies.policyRunOfJob(jobId)) ? 'policy' : 'bulk'),
  });
  const policyIntervalSeconds = config.policyIntervalSeconds ?? 60;
  const policies = new PolicyService({ store, clock, stuckRule, intervalSeconds: policyIntervalSeconds });
  const policyRunner = new PolicyRunner(
    { store, clock, feed, log, bulk: runner },
    { intervalSeconds: policyIntervalSeconds, ...(intervals.policyTickMs !== undefined ? { tickMs: intervals.policyTickMs } : {}) },
  );
  // Once across replicas per run (alerts: one message per run); also settable later on policyRunner.
  // The metrics gauge of policies running: their runs still cancelling, read from the (shared) store.
  metrics?.setPoliciesRunning(async () => (await store.policies.unfinishedPolicyRuns()).length);
  const app = createApp({
    clock,
    store,
    upstream,
    feed,
    cancels,
    runner,
    policies,
    stuckRule,
    operators: createOperatorDirectory(config.operators),
    findClient: createTokenMatcher(config.clients),
    maxPartBytes: config.maxPartBytes,
    upstreamMode: emulator ? 'emulator' : 'openai',
    staticDir: config.staticDir ?? null,
    log,
    publicOrigin: config.publicOrigin ?? null,
    limiters,
    trustProxy,
    live: () => live.connected(),
    readiness,
    metrics: metrics && config.metricsToken ? { metrics, token: config.metricsToken } : null,
    retention: config.retention ?? DEFAULT_RETENTION,
  });

  // OpenAI tells nobody when an upload expires; the console marks it, so lists, counts and live views agree.
  const sweep = async () => {
    for (const record of await store.expireLapsed(unixSeconds(clock), 1000)) feed.emit('upload', record);
  };
  // One round at a time: when OpenAI is slow a round can outlast the interval.
  let reconciling: Promise<number> | null = null;
  const reconcile = (): Promise<number> =>
    (reconciling ??= reconcileUnknownCancels({ store, cancels, lease: { owner: replicaId, ...(leaseMs ? { leaseMs } : {}) } }).finally(() => (reconciling = null)));

  // Finished uploads and old audit entries leave in small batches (server/retention/).
  const retention = new RetentionSweeper({ store, clock, log, onCounts: (counts) => feed.emit('counts', counts) }, config.retention ?? DEFAULT_RETENTION);
  const retentionRound = () => void retention.sweep().catch((error: unknown) => log.error('retention sweep failed', { error: String(error) }));

  // Webhook alerts (server/alerts/): changes are queued in the store, sent by a loop of their own.
  const alerts = config.alerts ? createAlerts({ store, clock, log, owner: replicaId }, config.alerts, config.alerts.timing) : NO_ALERTS;
  alerts.setConsoleUrl(config.publicOrigin ?? null);
  // A run's alert is queued before the run is marked finished (a stop between the two loses
  // nothing; queueing is once per job across replicas); then whoever else asked is told, once.
  policyRunner.beforeRunFinished = (run) => alerts.policyRun(run);
  policyRunner.onRunFinished = (run) => config.onPolicyRunFinished?.(run);

  const timers: NodeJS.Timeout[] = [];
  let stopCounts = () => {};
  let server: ServerType | null = null;
  const stopTraffic = new AbortController();

  async function start(): Promise<{ resumed: number }> {
    // First, so that what the rest of start() changes is heard like everything after it.
    await relay?.start();
    if (relay && !relay.connected()) log.warn('live updates: not listening on PostgreSQL yet; /readyz answers 503 until it is');
    if (emulator && config.demo?.seed) await seedEmptyStore({ upstream, store, emulatorClock: emulator.clock, log }, config.demo.size);
    else if (config.demo && config.demo.size > 0) log.warn('--demo-size only seeds an empty store in emulator mode: point DATABASE_PATH (or DATABASE_URL) at an empty one to load it');
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
    policyRunner.start();
    // Not awaited: a first round over a large backlog runs beside the traffic, in batches.
    retentionRound();
    if (intervals.retentionMs !== null) timers.push(setInterval(retentionRound, intervals.retentionMs));
    alerts.start({ checkMs: intervals.alertCheckMs, deliverMs: intervals.alertDeliverMs });
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
    if (!config.publicOrigin) alerts.setConsoleUrl(origin);
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
    // From the moment this is set, /readyz answers 503.
    stopping ??= (async () => {
      stopTraffic.abort();
      for (const timer of timers) clearInterval(timer);
      stopCounts();
      // The runner first: it stops claiming, lets the items in flight finish (they need the store
      // and the upstream, closed last), and hands back every lease it still holds, so another
      // replica takes them over now rather than when the lease runs out.
      // Policies first: no new run starts while the bulk runner stops.
      await policyRunner.stop();
      const runnerStopped = runner.stop();
      const serverClosed = server ? closeServer(server, config.drainTimeoutMs ?? 10_000, log) : Promise.resolve();
      // Live-update streams never end by themselves; everything else gets to finish.
      feed.close();
      await runnerStopped;
      // A round that fails has already been logged by whoever started it.
      await reconciling?.catch(() => {});
      // Stops after the batch in progress (each batch is its own transaction).
      await retention.stop();
      // A webhook call in flight is cut short; its message stays due in the store.
      await alerts.stop();
      await serverClosed;
      await relay?.stop();
      await upstream.close();
      await emulator?.close();
      await limiters.close();
      await store.close();
      if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    })();
    return stopping;
  }

  return { app, store, upstream, emulator, feed, cancels, runner, policies, policyRunner, clock, stuckRule, live, readiness, start, listen, stop, reconcile, metrics, retention, alerts };
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
