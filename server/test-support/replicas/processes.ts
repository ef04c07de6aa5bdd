// The processes of a multi-replica test: the emulator on its own (as the upstream), replicas of
// the real server (`server/index.ts`), and Debian's nginx in front of them. Each is a child of
// the test process, started with the test's environment plus its own variables; a small
// watchdog kills it if the test process dies without stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CancelStats } from '#server/emulator/stats.ts';
import { findPostgresBinDir } from '#server/test-support/postgres-cluster.ts';
import { freePort } from '#server/test-support/server-process.ts';
import { nginxConfig } from './nginx-config.ts';

export const NGINX_BINARY = '/usr/sbin/nginx';
export const REPLICAS_INSTALL_HINT = 'apt-get install -y postgresql nginx';

/**
 * What the test needs and this machine lacks, in one line (null: nothing). `required` is true under
 * UC_REQUIRE_PG=1, where a missing piece fails the test instead of skipping it.
 */
export function missingForReplicas(): { problem: string | null; required: boolean } {
  const missing = [...(findPostgresBinDir() ? [] : ['PostgreSQL server (initdb)']), ...(existsSync(NGINX_BINARY) ? [] : [`nginx (${NGINX_BINARY})`])];
  const problem = missing.length ? `no ${missing.join(' and no ')} installed; install with: ${REPLICAS_INSTALL_HINT}` : null;
  return { problem, required: process.env.UC_REQUIRE_PG === '1' };
}

export interface Child {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

function startChild(command: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Enough for failure messages; a long run must not grow it without bound.
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  if (child.pid !== undefined) startWatchdog(child.pid);
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    alive,
    async stop(graceMs = 5_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills `pid` if this process goes away first (a crash, a timeout that kills the worker). */
function startWatchdog(pid: number): void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do kill -0 ${pid} 2>/dev/null || exit 0; sleep 1; done; kill -9 ${pid} 2>/dev/null`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** Thrown by a readiness probe that knows waiting will not help. */
class NotReady extends Error {}

async function waitFor(what: string, child: Child, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const isReady = await ready().catch((error: unknown) => {
      if (error instanceof NotReady) throw new Error(`${error.message}:\n${child.output().slice(-4000)}`, { cause: error });
      return false;
    });
    if (isReady) return;
    if (!child.alive()) throw new Error(`${what} exited (${child.child.exitCode ?? child.child.signalCode}) before it was ready:\n${child.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${child.output().slice(-4000)}`);
    await sleep(100);
  }
}

// ---- the emulator, standalone ----------------------------------------------------------------

/** GET /__emulator/stats: the emulator's own type for what it counts, so the two cannot drift apart. */
export type EmulatorCancelStats = CancelStats;

export interface EmulatorProcess extends Child {
  origin: string;
  /** The base URL an OpenAI client takes (…/v1). */
  url: string;
  /** POST /__emulator/faults. */
  fault(rule: object): Promise<void>;
  cancelStats(): Promise<EmulatorCancelStats>;
  resetStats(): Promise<void>;
}

export async function startEmulatorProcess(options: { dir: string; apiKey: string }): Promise<EmulatorProcess> {
  const port = await freePort();
  const child = startChild(process.execPath, ['--import', 'tsx', 'server/emulator/main.ts'], {
    EMULATOR_PORT: String(port),
    EMULATOR_HOST: '127.0.0.1',
    EMULATOR_API_KEY: options.apiKey,
    EMULATOR_DATABASE_PATH: join(options.dir, 'emulator.sqlite'),
    EMULATOR_PARTS_DIR: join(options.dir, 'emulator-parts'),
  });
  const origin = `http://127.0.0.1:${port}`;
  const control = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${origin}/__emulator/${path}`, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} /__emulator/${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };
  await waitFor('the emulator', child, async () => (await fetch(`${origin}/__emulator/health`, { headers: { authorization: `Bearer ${options.apiKey}` } })).ok, 30_000);
  return {
    ...child,
    origin,
    url: `${origin}/v1`,
    fault: async (rule) => void (await control('POST', 'faults', rule)),
    cancelStats: async () => ((await control('GET', 'stats')) as { cancels: EmulatorCancelStats }).cancels,
    resetStats: async () => void (await control('DELETE', 'stats')),
  };
}

// ---- a replica of the console ----------------------------------------------------------------

export interface ReplicaProcess extends Child {
  name: string;
  origin: string;
  port: number;
}

/**
 * Starts `server/index.ts` with these variables (on top of HOST/PORT); `ready()` resolves once its
 * `GET /readyz` answers 200 (several replicas can start together, e.g. to race their migrations).
 */
export function spawnReplica(name: string, port: number, env: Record<string, string>): ReplicaProcess & { ready(timeoutMs?: number): Promise<void> } {
  const child = startChild(process.execPath, ['--import', 'tsx', 'server/index.ts'], { HOST: '127.0.0.1', PORT: String(port), ...env });
  const origin = `http://127.0.0.1:${port}`;
  let lastReadyz = 'no answer';
  return {
    ...child,
    name,
    origin,
    port,
    ready: (timeoutMs = 45_000) =>
      waitFor(
        `replica ${name}`,
        child,
        async () => {
          const response = await fetch(`${origin}/readyz`);
          lastReadyz = `${response.status} ${(await response.text()).slice(0, 200)}`;
          // Listening but without the route (a 404, or the dashboard's index.html): waiting longer would not help.
          const json = /^application\/json/.test(response.headers.get('content-type') ?? '');
          if (response.status === 404 || (response.status === 200 && !json)) {
            throw new NotReady(`replica ${name} has no GET /readyz (it answered ${response.status} ${response.headers.get('content-type') ?? ''})`);
          }
          return response.status === 200;
        },
        timeoutMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n(last GET /readyz: ${lastReadyz})`, { cause: error });
      }),
  };
}

// ---- nginx in front ----------------------------------------------------------------------------

export interface NginxProcess extends Child {
  origin: string;
  /** Which replica (host:port) served each request so far, from the access log. */
  accessLog(): string;
}

export async function startNginx(options: { dir: string; replicas: string[] }): Promise<NginxProcess> {
  mkdirSync(options.dir, { recursive: true });
  const port = await freePort();
  const conf = join(options.dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ dir: options.dir, port, replicas: options.replicas, asRoot: process.getuid?.() === 0 }));
  // -e: the compiled-in error log (/var/log/nginx) may not be writable; daemon off: our child, stops with us.
  const child = startChild(NGINX_BINARY, ['-p', options.dir, '-c', conf, '-e', join(options.dir, 'error.log'), '-g', `daemon off; pid ${join(options.dir, 'nginx.pid')};`], {});
  const origin = `http://127.0.0.1:${port}`;
  const read = (file: string) => (existsSync(join(options.dir, file)) ? readFileSync(join(options.dir, file), 'utf8') : '');
  await waitFor('nginx', child, async () => (await fetch(`${origin}/healthz`)).status < 500, 15_000).catch((error: Error) => {
    throw new Error(`${error.message}\n--- nginx error.log ---\n${read('error.log').slice(-2000)}`, { cause: error });
  });
  return { ...child, origin, accessLog: () => read('access.log') };
}
