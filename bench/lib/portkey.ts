// The Portkey AI gateway (npm @portkey-ai/gateway, TypeScript on Hono, like us): the gateway an
// operator would most likely put in front of OpenAI instead of this console. Not a project
// dependency: the bench installs one pinned version into bench/.cache/portkey (git-ignored) the
// first time it needs it, and runs its own Node server build in a child process of its own.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, waitUntilAnswering } from './child.ts';
import { freePort } from './free-port.ts';

export const PORTKEY_VERSION = '1.15.2';
const PREFIX = join(REPO_ROOT, 'bench', '.cache', 'portkey');
const PACKAGE_DIR = join(PREFIX, 'node_modules', '@portkey-ai', 'gateway');
const SERVER_SCRIPT = join(PACKAGE_DIR, 'build', 'start-server.js');

export interface RunningPortkey {
  origin: string;
  pid: number;
  version: string;
  /** The headers that make it forward a request to `upstreamBaseUrl` as OpenAI. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

function installedVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** Installs the pinned version into bench/.cache/portkey unless it is there already. */
async function ensureInstalled(log: (line: string) => void): Promise<void> {
  if (installedVersion() === PORTKEY_VERSION && existsSync(SERVER_SCRIPT)) return;
  log(`portkey: installing @portkey-ai/gateway@${PORTKEY_VERSION} into bench/.cache/portkey…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await promisify(execFile)(npm, ['install', '--prefix', PREFIX, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `@portkey-ai/gateway@${PORTKEY_VERSION}`], {
    cwd: REPO_ROOT,
    timeout: 180_000,
  });
  if (installedVersion() !== PORTKEY_VERSION) throw new Error(`npm install left version ${installedVersion() ?? 'none'} in ${PACKAGE_DIR}`);
}

/**
 * Installs (if needed) and starts the gateway on a free loopback port, forwarding to the OpenAI-
 * compatible `upstreamBaseUrl` (…/v1). Throws with the reason when it cannot; callers skip its rows.
 */
export async function startPortkey(options: { upstreamBaseUrl: string; log: (line: string) => void }): Promise<RunningPortkey> {
  await ensureInstalled(options.log);
  const port = await freePort();
  // --headless: no console UI or log buffer, the plain gateway. Loopback custom hosts are trusted by default.
  const child = spawn(process.execPath, [SERVER_SCRIPT, `--port=${port}`, '--headless'], {
    cwd: PREFIX,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: string) => (output = (output + chunk).slice(-3000));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const origin = `http://127.0.0.1:${port}`;
  const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': options.upstreamBaseUrl };
  await waitUntilAnswering(`${origin}/`, {
    timeoutMs: 30_000,
    everyMs: 100,
    exited: () => (child.exitCode !== null ? `the gateway exited with ${child.exitCode}: ${output.trim().slice(-300)}` : null),
    late: async () => {
      await stop();
      return new Error(`the gateway did not answer on ${origin} within 30 s: ${output.trim().slice(-300)}`);
    },
  });
  return { origin, pid: child.pid!, version: PORTKEY_VERSION, headers, stop };
}
