// Starts the console: reads the configuration, opens the store, picks the upstream (the real
// OpenAI API, or the embedded emulator when no key is set), listens, and shuts down gracefully.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { EnvError, readEnv, type Env } from './env.ts';
import { createOperatorDirectory, createTokenMatcher, parseTokenList } from './lib/auth.ts';
import { systemClock } from './lib/clock.ts';
import { consoleLogger as log } from './lib/logger.ts';
import { runDemoTraffic } from './demo/demo-traffic.ts';
import { seedDemoData } from './demo/seed-demo-data.ts';
import { startEmulator } from './emulator/server.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import { createUpstreamClient } from './upstream/openai-client.ts';

const DRAIN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let env: Env;
  try {
    env = readEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const devMode = process.argv.includes('--dev');
  const demoTraffic = process.argv.includes('--demo-traffic');
  const stopTraffic = new AbortController();
  const dataDir = dirname(resolve(env.DATABASE_PATH));
  const store = openSqliteStore(env.DATABASE_PATH);

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

  const adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  // In emulator mode a demo client token is made up when none is configured; against OpenAI
  // the pass-through stays closed until CLIENT_TOKENS is set.
  const demoClientToken = !env.CLIENT_TOKENS && emulator ? `uc-client-${randomBytes(18).toString('base64url')}` : null;
  const clients = env.CLIENT_TOKENS ? parseTokenList(env.CLIENT_TOKENS, 'client') : demoClientToken ? [{ name: 'demo', token: demoClientToken }] : [];
  const staticDir = resolve('dist');
  const serveDashboard = !devMode && existsSync(join(staticDir, 'index.html'));
  const app = createApp({
    clock: systemClock,
    store,
    upstream,
    operators: createOperatorDirectory([{ name: 'admin', token: adminToken }]),
    findClient: createTokenMatcher(clients),
    upstreamMode: emulator ? 'emulator' : 'openai',
    staticDir: serveDashboard ? staticDir : null,
    log,
  });

  if (emulator && env.DEMO_DATA && (await store.listUploads({ limit: 1 }, 0)).data.length === 0) {
    const made = await seedDemoData({ upstream, store, emulatorClock: emulator.clock });
    log.info(`demo data: ${made} uploads made through the emulator`);
  }

  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const origin = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${info.port}`;
    log.info(emulator ? `upstream: embedded emulator at ${emulator.url} (no OPENAI_API_KEY set)` : `upstream: ${env.OPENAI_BASE_URL}`);
    log.info(`store: ${resolve(env.DATABASE_PATH)}`);
    if (!serveDashboard) log.warn(devMode ? 'dev mode: the dashboard is served by Vite on http://127.0.0.1:5173' : 'dist/ is missing: run `npm run build` to serve the dashboard');
    const loginOrigin = devMode ? 'http://127.0.0.1:5173' : origin;
    console.log(`\n  Uploads Console is running. Open this URL to sign in:\n\n    ${loginOrigin}/?token=${encodeURIComponent(adminToken)}\n`);
    if (!env.ADMIN_TOKEN) console.log('  (ADMIN_TOKEN is not set, so this token was generated for this run only.)\n');
    console.log(`  OpenAI clients: baseURL ${origin}/v1`);
    if (demoClientToken) console.log(`  Demo client token (CLIENT_TOKENS is not set): ${demoClientToken}\n`);
    else if (clients.length === 0) console.log('  The pass-through refuses every client until CLIENT_TOKENS is set.\n');
    else console.log(`  Client tokens configured: ${clients.map((c) => c.name).join(', ')}\n`);
    const trafficToken = clients[0]?.token;
    if (demoTraffic && trafficToken) {
      log.info('--demo-traffic: SDK clients will now create, fill, complete, stall and abandon uploads through /v1');
      void runDemoTraffic({ baseURL: `${origin}/v1`, apiKey: trafficToken, signal: stopTraffic.signal, log: (line) => log.info(line) });
    } else if (demoTraffic) {
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
    const forced = setTimeout(() => {
      log.warn('requests still open after the drain timeout; closing them');
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }, DRAIN_TIMEOUT_MS);
    forced.unref();
    await new Promise<void>((done) => {
      server.close(() => done());
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    });
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
