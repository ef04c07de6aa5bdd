// Starts the console: reads the configuration, opens the store, picks the upstream (the real
// OpenAI API, or the embedded emulator when no key is set), listens, and shuts down gracefully.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { BulkCancelRunner } from './cancel/bulk-cancel-runner.ts';
import { reconcileUnknownCancels } from './cancel/reconcile-unknown-cancels.ts';
import { runDemoTraffic } from './demo/demo-traffic.ts';
import { seedDemoData, seedManyUploads } from './demo/seed-demo-data.ts';
import { startEmulator } from './emulator/server.ts';
import { EnvError, readEnv, type Env } from './env.ts';
import { createOperatorDirectory, createTokenMatcher, parseOperators, parseTokenList, type OperatorToken } from './lib/auth.ts';
import { ChangeFeed } from './lib/change-feed.ts';
import { unixSeconds, systemClock } from './lib/clock.ts';
import { broadcastCounts } from './lib/counts-broadcaster.ts';
import { consoleLogger as log } from './lib/logger.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import { createUpstreamClient } from './upstream/openai-client.ts';

const DRAIN_TIMEOUT_MS = 10_000;
const EXPIRY_SWEEP_MS = 5_000;
const RECONCILE_MS = 30_000;

function readArgs() {
  const { values } = parseArgs({
    options: { dev: { type: 'boolean', default: false }, 'demo-traffic': { type: 'boolean', default: false }, 'demo-size': { type: 'string' } },
  });
  const demoSize = values['demo-size'] === undefined ? 0 : Number(values['demo-size']);
  if (!Number.isInteger(demoSize) || demoSize < 0 || demoSize > 1_000_000) {
    throw new EnvError('--demo-size must be a whole number from 0 to 1,000,000.');
  }
  return { devMode: values.dev, demoTraffic: values['demo-traffic'], demoSize };
}

async function main(): Promise<void> {
  let env: Env;
  let args: ReturnType<typeof readArgs>;
  try {
    env = readEnv();
    args = readArgs();
  } catch (error) {
    if (error instanceof EnvError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error((error as Error).message);
      process.exit(1);
    }
    throw error;
  }
  const clock = systemClock;
  const dataDir = dirname(resolve(env.DATABASE_PATH));
  const stuckAfterSeconds = Math.round(env.STUCK_AFTER_MINUTES * 60);
  const store = openSqliteStore(env.DATABASE_PATH, { stuckAfterSeconds });

  const emulatorKey = env.EMULATOR_API_KEY ?? `sk-emulator-${randomBytes(18).toString('base64url')}`;
  const emulator = env.OPENAI_API_KEY
    ? null
    : await startEmulator({
        port: env.EMULATOR_PORT,
        apiKey: emulatorKey,
        databasePath: join(dataDir, 'emulator.sqlite'),
        partsDir: join(dataDir, 'emulator-parts'),
      });
  const upstream = createUpstreamClient(
    emulator
      ? { baseUrl: emulator.url, apiKey: emulatorKey, timeoutMs: env.UPSTREAM_TIMEOUT_MS }
      : {
          baseUrl: env.OPENAI_BASE_URL,
          apiKey: env.OPENAI_API_KEY!,
          organization: env.OPENAI_ORG_ID,
          project: env.OPENAI_PROJECT_ID,
          timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        },
  );

  // ADMIN_TOKEN is the `admin` operator; with neither it nor OPERATORS set, one is made up per start.
  const adminToken = env.ADMIN_TOKEN ?? (env.OPERATORS ? null : randomBytes(24).toString('base64url'));
  const operators: OperatorToken[] = [...(adminToken ? [{ name: 'admin', token: adminToken }] : []), ...(env.OPERATORS ? parseOperators(env.OPERATORS) : [])];
  // In emulator mode a demo client token is made up when none is configured; against OpenAI
  // the pass-through stays closed until CLIENT_TOKENS is set.
  const demoClientToken = !env.CLIENT_TOKENS && emulator ? `uc-client-${randomBytes(18).toString('base64url')}` : null;
  const clients = env.CLIENT_TOKENS ? parseTokenList(env.CLIENT_TOKENS, 'client') : demoClientToken ? [{ name: 'demo', token: demoClientToken }] : [];

  const feed = new ChangeFeed();
  const cancelDeps = { clock, store, upstream, feed, log };
  const runner = new BulkCancelRunner(cancelDeps, { concurrency: env.BULK_CONCURRENCY });
  const staticDir = resolve('dist');
  const serveDashboard = !args.devMode && existsSync(join(staticDir, 'index.html'));
  const app = createApp({
    clock,
    store,
    upstream,
    operators: createOperatorDirectory(operators),
    findClient: createTokenMatcher(clients),
    upstreamMode: emulator ? 'emulator' : 'openai',
    staticDir: serveDashboard ? staticDir : null,
    log,
    feed,
    runner,
    stuckAfterSeconds,
    publicOrigin: env.PUBLIC_ORIGIN ?? null,
  });

  if (emulator && env.DEMO_DATA && (await store.listUploads({ limit: 1 }, 0)).data.length === 0) {
    const made = await seedDemoData({ upstream, store, emulatorClock: emulator.clock });
    log.info(`demo data: ${made} uploads made through the emulator`);
    if (args.demoSize > 0) {
      const started = Date.now();
      await seedManyUploads({ upstream, store, emulatorClock: emulator.clock }, args.demoSize, (done: number) => log.info(`demo data: ${done} of ${args.demoSize} more uploads made`));
      log.info(`demo data: ${args.demoSize} more uploads in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } else if (args.demoSize > 0) {
    log.warn('--demo-size only seeds an empty store in emulator mode: point DATABASE_PATH at a new file to load it');
  }

  const resumed = await runner.resume();
  if (resumed > 0) log.info(`resumed ${resumed} bulk cancel job(s) left running by the last process`);
  const stopCounts = broadcastCounts({ feed, store, clock, log });
  const sweep = async () => {
    // OpenAI tells nobody when an upload expires; the console marks it, so lists, counts and live views agree.
    for (const record of await store.expireLapsed(unixSeconds(clock), 1000)) feed.emit('upload', record);
  };
  await sweep();
  const sweeper = setInterval(() => sweep().catch((error: unknown) => log.error('expiry sweep failed', { error: String(error) })), EXPIRY_SWEEP_MS);
  // One round at a time: when OpenAI is slow a round can outlast the interval.
  let reconciling: Promise<unknown> | null = null;
  const reconcile = () => {
    reconciling ??= reconcileUnknownCancels(cancelDeps)
      .then(
        (settled) => settled > 0 && log.info(`settled ${settled} cancel(s) whose outcome was unknown`),
        (error: unknown) => log.error('reconciling unknown cancels failed', { error: String(error) }),
      )
      .finally(() => (reconciling = null));
  };
  reconcile();
  const reconciler = setInterval(reconcile, RECONCILE_MS);

  const stopTraffic = new AbortController();
  // Parts may take up to 10 minutes on a slow link (PART_TIMEOUT_MS); Node's default would cut them at 5.
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST, serverOptions: { requestTimeout: 11 * 60_000 } }, (info) => {
    const origin = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${info.port}`;
    log.info(emulator ? `upstream: embedded emulator at ${emulator.url} (no OPENAI_API_KEY set)` : `upstream: ${env.OPENAI_BASE_URL}`);
    log.info(`store: ${resolve(env.DATABASE_PATH)}`);
    if (!serveDashboard) log.warn(args.devMode ? 'dev mode: the dashboard is served by Vite on http://127.0.0.1:5173' : 'dist/ is missing: run `npm run build` to serve the dashboard');
    const loginOrigin = args.devMode ? 'http://127.0.0.1:5173' : (env.PUBLIC_ORIGIN ?? origin);
    if (adminToken) {
      console.log(`\n  Uploads Console is running. Open this URL to sign in:\n\n    ${loginOrigin}/?token=${encodeURIComponent(adminToken)}\n`);
      if (!env.ADMIN_TOKEN) console.log('  (ADMIN_TOKEN is not set, so this token was generated for this run only.)\n');
    } else {
      console.log(`\n  Uploads Console is running at ${loginOrigin}/ — sign in with your operator token (OPERATORS).\n`);
    }
    console.log(`  OpenAI clients: baseURL ${origin}/v1`);
    if (demoClientToken) console.log(`  Demo client token (CLIENT_TOKENS is not set): ${demoClientToken}\n`);
    else if (clients.length === 0) console.log('  The pass-through refuses every client until CLIENT_TOKENS is set.\n');
    else console.log(`  Client tokens configured: ${clients.map((c) => c.name).join(', ')}\n`);
    const trafficToken = clients[0]?.token;
    if (args.demoTraffic && trafficToken) {
      log.info('--demo-traffic: SDK clients will now create, fill, complete, stall and abandon uploads through /v1');
      void runDemoTraffic({ baseURL: `${origin}/v1`, apiKey: trafficToken, signal: stopTraffic.signal, log: (line) => log.info(line) });
    } else if (args.demoTraffic) {
      log.warn('--demo-traffic needs a client token: set CLIENT_TOKENS');
    }
  });
  server.on('error', (error) => {
    log.error(`could not listen on ${env.HOST}:${env.PORT}: ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing in-flight requests, then stopping`);
    stopTraffic.abort();
    clearInterval(sweeper);
    clearInterval(reconciler);
    stopCounts();
    const forced = setTimeout(() => {
      log.warn('requests still open after the drain timeout; closing them');
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }, DRAIN_TIMEOUT_MS);
    forced.unref();
    // A bulk job waiting out a long retry-after must not hold the process: what it has not done
    // stays written down and resumes at the next start.
    setTimeout(() => {
      log.warn('still not stopped after the drain timeout; exiting (unfinished bulk work resumes at the next start)');
      process.exit(1);
    }, DRAIN_TIMEOUT_MS + 5_000).unref();
    // Live-update streams never end by themselves; everything else gets to finish.
    const serverClosed = new Promise<void>((done) => {
      server.close(() => done());
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    });
    feed.close();
    await runner.stop();
    await reconciling;
    await serverClosed;
    await upstream.close();
    await emulator?.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  log.error('start-up failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
