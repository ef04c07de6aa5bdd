// The console exactly as `npm start` runs it — server/index.ts with its store, bulk runner, live
// feed, expiry sweep and embedded emulator — in a child process configured only through its
// environment, as an operator would configure it. Its pid is the server's own (Node with tsx's
// loader, no npx or tsx wrapper), so its memory and CPU can be read from /proc.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import type { Upload } from '#contract/uploads.ts';
import { REPO_ROOT, waitUntilAnswering } from './child.ts';
import { CLIENT_TOKEN, EMULATOR_KEY, OPERATOR_TOKEN } from './console-app.ts';
import { freePort } from './free-port.ts';

/** Every variable server/env.ts reads: none is inherited from the shell running the benchmark. */
const SERVER_VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_PATH',
  'ADMIN_TOKEN',
  'OPENAI_API_KEY',
  'CLIENT_TOKENS',
  'OPENAI_BASE_URL',
  'OPENAI_ORG_ID',
  'OPENAI_PROJECT_ID',
  'UPSTREAM_TIMEOUT_MS',
  'EMULATOR_PORT',
  'EMULATOR_API_KEY',
  'OPERATORS',
  'STUCK_AFTER_MINUTES',
  'BULK_CONCURRENCY',
  'DEMO_DATA',
];

export interface ConsoleServerOptions {
  /**
   * The server's working folder: it serves the dashboard from `<dir>/dist` when that holds an
   * index.html, and the store defaults to `<dir>/console.sqlite` (the emulator keeps its state beside it).
   */
  dir: string;
  /** More variables, e.g. STUCK_AFTER_MINUTES, BULK_CONCURRENCY, DATABASE_PATH. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunningConsoleServer {
  origin: string;
  /** The embedded emulator, for fault injection (POST /__emulator/faults with `emulatorKey`). */
  emulatorOrigin: string;
  pid: number;
  /** The `admin` operator's token (Bearer for /api, or the login URL's `?token=`). */
  adminToken: string;
  /** A client token the /v1 pass-through accepts. */
  clientToken: string;
  emulatorKey: string;
  /** The last few kB the server printed, for error messages. */
  output(): string;
  /** SIGTERM (the server drains in-flight requests), then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsoleServer> {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const inherited = Object.entries(process.env).filter(([name]) => !SERVER_VARIABLES.includes(name));
  const env: NodeJS.ProcessEnv = Object.fromEntries(inherited);
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_PATH: join(options.dir, 'console.sqlite'),
    ADMIN_TOKEN: OPERATOR_TOKEN,
    CLIENT_TOKENS: `bench:${CLIENT_TOKEN}`,
    EMULATOR_PORT: String(emulatorPort),
    EMULATOR_API_KEY: EMULATOR_KEY,
    DEMO_DATA: 'false',
    // The working folder is not the repository: tsx gets the repository's tsconfig as `npm start` would.
    TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'),
    ...options.env,
  });
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsxLoader, join(REPO_ROOT, 'server', 'index.ts')], {
    cwd: options.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-6000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));

  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  await waitUntilAnswering(`${origin}/healthz`, {
    timeoutMs: options.timeoutMs ?? 60_000,
    everyMs: 100,
    expectOk: true,
    exited: () =>
      spawnError || child.exitCode !== null || child.signalCode !== null
        ? `server/index.ts exited before it answered: ${spawnError ?? child.signalCode ?? child.exitCode}\n${output.trim()}`
        : null,
    late: async () => {
      await stop();
      return new Error(`server/index.ts did not answer ${origin}/healthz within ${options.timeoutMs ?? 60_000} ms\n${output.trim()}`);
    },
  });
  return {
    origin,
    emulatorOrigin: `http://127.0.0.1:${emulatorPort}`,
    pid: child.pid!,
    adminToken: OPERATOR_TOKEN,
    clientToken: CLIENT_TOKEN,
    emulatorKey: EMULATOR_KEY,
    output: () => output,
    stop,
  };
}

/** Adds a fault rule to the server's embedded emulator (see server/emulator/faults.ts). */
export async function injectFault(server: RunningConsoleServer, rule: Record<string, unknown>): Promise<void> {
  const response = await request(`${server.emulatorOrigin}/__emulator/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.emulatorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`the emulator refused the fault ${JSON.stringify(rule)}: ${response.statusCode} ${text.slice(0, 300)}`);
}

/** A JSON call to the server, failing loudly on an unexpected status. */
export async function callJson<T>(
  server: RunningConsoleServer,
  path: string,
  { method = 'GET', body, as = 'operator', expect = [200] }: { method?: string; body?: unknown; as?: 'operator' | 'client'; expect?: number[] } = {},
): Promise<T> {
  const response = await request(`${server.origin}${path}`, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${as === 'operator' ? server.adminToken : server.clientToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  if (!expect.includes(response.statusCode)) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Creates uploads through /v1 with the client token, a few at a time; returns their ids. */
export async function createUploads(server: RunningConsoleServer, count: number, prefix: string, concurrency = 16): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const upload = await callJson<Upload>(server, '/v1/uploads', {
        method: 'POST',
        as: 'client',
        body: { filename: `${prefix}-${String(i).padStart(5, '0')}.jsonl`, purpose: 'batch', bytes: 1024 * 1024, mime_type: 'application/jsonl' },
      });
      ids.push(upload.id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}
