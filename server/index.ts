// Starts the console (`npm start`): reads the environment and the command line, builds the console
// (server/console.ts), listens, prints how to sign in, and stops gracefully on SIGINT / SIGTERM.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsole } from './console.ts';
import { EnvError, readEnv, type Env } from './env.ts';
import { parseOperators, parseTokenList } from './lib/auth.ts';
import { consoleLogger as log } from './lib/logger.ts';

const DRAIN_TIMEOUT_MS = 10_000;

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

function readConfiguration(): { env: Env; args: ReturnType<typeof readArgs> } {
  try {
    return { env: readEnv(), args: readArgs() };
  } catch (error) {
    if (error instanceof EnvError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error((error as Error).message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const { env, args } = readConfiguration();
  // ADMIN_TOKEN is the `admin` operator; with neither it nor OPERATORS set, one is made up per start.
  const adminToken = env.ADMIN_TOKEN ?? (env.OPERATORS ? null : randomBytes(24).toString('base64url'));
  // In emulator mode a demo client token is made up when none is configured; against OpenAI
  // the pass-through stays closed until CLIENT_TOKENS is set.
  const demoClientToken = !env.CLIENT_TOKENS && !env.OPENAI_API_KEY ? `uc-client-${randomBytes(18).toString('base64url')}` : null;
  const clients = env.CLIENT_TOKENS ? parseTokenList(env.CLIENT_TOKENS, 'client') : demoClientToken ? [{ name: 'demo', token: demoClientToken }] : [];
  // The embedded emulator's state: beside the SQLite store's file, as always, unless told
  // otherwise; with DATABASE_URL there is no such file, so ./data.
  const emulatorDataDir = resolve(env.EMULATOR_DATA_DIR ?? (env.DATABASE_URL ? './data' : dirname(resolve(env.DATABASE_PATH))));
  const staticDir = resolve('dist');
  const serveDashboard = !args.devMode && existsSync(join(staticDir, 'index.html'));
  const uploadsConsole = await createConsole({
    databasePath: env.DATABASE_PATH,
    databaseUrl: env.DATABASE_URL,
    databaseListenUrl: env.DATABASE_LISTEN_URL,
    trustProxy: env.TRUST_PROXY,
    upstream: env.OPENAI_API_KEY
      ? { kind: 'remote', baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, organization: env.OPENAI_ORG_ID, project: env.OPENAI_PROJECT_ID }
      : { kind: 'emulator', apiKey: env.EMULATOR_API_KEY ?? `sk-emulator-${randomBytes(18).toString('base64url')}`, port: env.EMULATOR_PORT, dataDir: emulatorDataDir },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    operators: [...(adminToken ? [{ name: 'admin', token: adminToken }] : []), ...(env.OPERATORS ? parseOperators(env.OPERATORS) : [])],
    clients,
    stuckAfterSeconds: Math.round(env.STUCK_AFTER_MINUTES * 60),
    bulkConcurrency: env.BULK_CONCURRENCY,
    bulkLeaseSeconds: env.BULK_LEASE_SECONDS,
    policyIntervalSeconds: env.POLICY_INTERVAL_SECONDS,
    replicaId: env.REPLICA_ID,
    retention: { uploadDays: env.RETENTION_DAYS, auditDays: env.AUDIT_RETENTION_DAYS },
    alerts: env.ALERT_WEBHOOK_URL ? { webhookUrl: env.ALERT_WEBHOOK_URL, stuckThreshold: env.ALERT_STUCK_THRESHOLD } : null,
    log,
    staticDir: serveDashboard ? staticDir : null,
    publicOrigin: env.PUBLIC_ORIGIN ?? null,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    demo: { seed: env.DEMO_DATA, size: args.demoSize, traffic: args.demoTraffic },
    metricsToken: env.METRICS_TOKEN,
  });
  await uploadsConsole.start();
  const { origin } = await uploadsConsole.listen({ port: env.PORT, host: env.HOST }).catch((error: Error) => {
    log.error(`could not listen on ${env.HOST}:${env.PORT}: ${error.message}`);
    process.exit(1);
  });

  log.info(uploadsConsole.emulator ? `upstream: embedded emulator at ${uploadsConsole.emulator.url} (no OPENAI_API_KEY set)` : `upstream: ${env.OPENAI_BASE_URL}`);
  // Never the URL itself: it holds the password.
  log.info(env.DATABASE_URL ? 'store: PostgreSQL (DATABASE_URL); live updates, sign-in limits and bulk work are shared with any replica using it' : `store: ${resolve(env.DATABASE_PATH)}`);
  // Never the webhook URL itself: its path is a token.
  if (env.ALERT_WEBHOOK_URL) log.info(`alerts: to the webhook in ALERT_WEBHOOK_URL, when more than ${env.ALERT_STUCK_THRESHOLD} uploads are stuck and when policies cancel uploads`);
  if (env.TRUST_PROXY) log.info(`client addresses: X-Forwarded-For from trusted proxies (TRUST_PROXY=${env.TRUST_PROXY})`);
  if (env.METRICS_TOKEN) log.info(`metrics: ${origin}/metrics for Prometheus (Authorization: Bearer METRICS_TOKEN)`);
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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return; // a second signal changes nothing
    stopping = true;
    log.info(`${signal}: finishing in-flight requests, then stopping`);
    // A bulk job waiting out a long retry-after must not hold the process: what it has not done
    // stays written down and resumes at the next start.
    setTimeout(() => {
      log.warn('still not stopped after the drain timeout; exiting (unfinished bulk work resumes at the next start)');
      process.exit(1);
    }, DRAIN_TIMEOUT_MS + 5_000).unref();
    await uploadsConsole.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  log.error('start-up failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
