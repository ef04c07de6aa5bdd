// `npm run test:clients`: the Uploads flow through the console's /v1 with each official OpenAI
// client, written as its users would write it. One console for the whole run; each client is a
// small program of its own language that prints `PASS <check> …` / `FAIL <check> <reason>` lines,
// shown here as `PASS <client> <check> …`. Ends with `N passed, M failed[, K skipped]`.
//
// A missing toolchain skips its client with one line saying what to install (under CI=true it
// fails). Dependencies are fetched once by clients/prepare.sh into git-ignored caches.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientEnv, isCI, onlyClients, openaiCliOverride } from './env.ts';
import { hasCommand, killAll, run } from './lib/processes.ts';
import type { TestConsole } from './lib/test-console.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const cache = join(here, '.cache');

/** clients/prepare.sh exits with this when a client cannot be had here at all (not a missing toolchain). */
const UNAVAILABLE = 3;
const PREPARE_TIMEOUT_MS = 20 * 60_000;
const CHECKS_TIMEOUT_MS = 3 * 60_000;

interface Client {
  name: string;
  /** Commands it needs, and what to install when one is missing. */
  needs: { command: string; install: string }[];
  /** The argument to clients/prepare.sh, when the client has something to fetch or build. */
  prepare?: string;
  checks(): { command: string; args: string[]; cwd?: string };
}

const cliBinary = openaiCliOverride ?? join(cache, 'bin', 'openai');

const CLIENTS: Client[] = [
  {
    name: 'node',
    needs: [],
    // The repo's own `openai` dependency, run by the same Node as this runner (Node 24 in clients/node24.sh).
    checks: () => ({ command: process.execPath, args: ['--import', 'tsx', join(here, 'node-checks.ts')], cwd: root }),
  },
  {
    name: 'python',
    needs: [{ command: 'python3', install: 'Python 3.10+ with venv (Debian: apt-get install python3 python3-venv)' }],
    prepare: 'python',
    checks: () => ({ command: join(here, 'python', '.venv', 'bin', 'python'), args: [join(here, 'python', 'checks.py')] }),
  },
  {
    name: 'java',
    needs: [
      { command: 'java', install: 'a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)' },
      { command: 'mvn', install: 'Maven 3.8+ (Debian: apt-get install maven)' },
    ],
    prepare: 'java',
    checks: () => ({
      command: 'java',
      args: ['-cp', `${join(here, 'java', 'target', 'classes')}:${join(here, 'java', 'target', 'dependency', '*')}`, 'uploadsconsole.clients.Checks'],
    }),
  },
  {
    name: 'go',
    needs: [{ command: 'go', install: 'Go 1.26+ (https://go.dev/doc/install; openai-go v3 needs it)' }],
    prepare: 'go',
    checks: () => ({ command: join(cache, 'bin', 'go-checks'), args: [] }),
  },
  {
    name: 'cli',
    needs: openaiCliOverride ? [] : [{ command: 'go', install: 'Go 1.25+ to `go install` the openai CLI (or set OPENAI_CLI=/path/to/openai)' }],
    ...(openaiCliOverride ? {} : { prepare: 'cli' }),
    checks: () => ({ command: process.execPath, args: ['--import', 'tsx', join(here, 'cli-checks.ts'), cliBinary], cwd: root }),
  },
  {
    name: 'curl',
    needs: [
      { command: 'curl', install: 'curl (Debian: apt-get install curl)' },
      { command: 'bash', install: 'bash' },
    ],
    checks: () => ({ command: process.execPath, args: ['--import', 'tsx', join(here, 'curl-checks.ts')], cwd: root }),
  },
];

const tally = { passed: 0, failed: 0, skipped: 0 };
const timings: string[] = [];

function pass(client: string, line: string) {
  tally.passed++;
  console.log(`PASS ${client} ${line}`);
}
function fail(client: string, line: string) {
  tally.failed++;
  console.log(`FAIL ${client} ${line}`);
}
function skip(client: string, why: string) {
  tally.skipped++;
  console.log(`SKIP ${client} ${why}`);
}

/** The last lines of a process's output, for a failure's reason. */
function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).map((line) => `    | ${line}`).join('\n');
}

async function prepare(client: Client): Promise<boolean> {
  const missing = client.needs.filter((need) => !hasCommand(need.command));
  if (missing.length > 0) {
    const what = missing.map((need) => `${need.command} (install ${need.install})`).join(', ');
    if (isCI) fail(client.name, `toolchain: missing ${what}`);
    else skip(client.name, `missing ${what}`);
    return false;
  }
  if (!client.prepare) return true;
  const done = await run('bash', [join(here, 'prepare.sh'), client.prepare], { cwd: root, env: clientEnv({}), timeoutMs: PREPARE_TIMEOUT_MS });
  timings.push(`prepare ${client.name} ${(done.ms / 1000).toFixed(1)}s`);
  if (done.code === 0) return true;
  if (done.code === UNAVAILABLE) {
    // Not a missing toolchain: the registries here do not serve it. Said plainly, in CI too.
    skip(client.name, done.stdout.trim().split('\n').pop() ?? 'unavailable');
    return false;
  }
  fail(client.name, `prepare ${done.timedOut ? 'timed out' : `exited ${done.code}`}\n${tail(done.stdout + done.stderr)}`);
  return false;
}

async function runChecks(client: Client, target: TestConsole): Promise<void> {
  const { command, args, cwd } = client.checks();
  let reported = 0;
  const env = clientEnv({
    OPENAI_BASE_URL: target.baseUrl,
    OPENAI_API_KEY: target.apiKey,
    UC_EMULATOR_ORIGIN: target.emulatorOrigin,
    UC_EMULATOR_KEY: target.emulatorKey,
    UC_CONTROL_URL: target.controlUrl,
  });
  const done = await run(command, args, {
    cwd: cwd ?? here,
    env,
    timeoutMs: CHECKS_TIMEOUT_MS,
    onLine: (line) => {
      const match = /^(PASS|FAIL) (.*)$/.exec(line);
      if (!match) return;
      reported++;
      if (match[1] === 'PASS') pass(client.name, match[2]!);
      else fail(client.name, match[2]!);
    },
  });
  timings.push(`checks ${client.name} ${(done.ms / 1000).toFixed(1)}s`);
  // A fault a failed check left unused must not hit the next client.
  await target.clearFaults();
  if (done.code !== 0 && (done.timedOut || reported === 0 || done.code === null || done.code > 1)) {
    const why = done.timedOut ? `timed out after ${CHECKS_TIMEOUT_MS / 1000}s` : `exited ${done.code}`;
    fail(client.name, `run ${why}\n${tail(done.stderr || done.stdout)}`);
  } else if (reported === 0) {
    fail(client.name, `run reported no check\n${tail(done.stderr || done.stdout)}`);
  }
}

async function main(): Promise<number> {
  const selected = onlyClients.length ? CLIENTS.filter((client) => onlyClients.includes(client.name)) : CLIENTS;
  const unknown = onlyClients.filter((name) => !CLIENTS.some((client) => client.name === name));
  if (unknown.length) {
    console.error(`unknown client(s) in UC_CLIENTS: ${unknown.join(', ')} (known: ${CLIENTS.map((c) => c.name).join(', ')})`);
    return 2;
  }
  const ready: Client[] = [];
  for (const client of selected) if (await prepare(client)) ready.push(client);

  if (ready.length > 0) {
    // Loaded only now: the clients are prepared (and their lines printed) even when the server does not load.
    const { startTestConsole } = await import('./lib/test-console.ts');
    const target = await startTestConsole();
    try {
      for (const client of ready) await runChecks(client, target);
    } finally {
      await target.stop();
    }
  }
  if (timings.length) console.log(`timings: ${timings.join(', ')}`);
  const skipped = tally.skipped ? `, ${tally.skipped} skipped` : '';
  console.log(`${tally.passed} passed, ${tally.failed} failed${skipped}`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killAll();
    console.error(error);
    console.log(`${tally.passed} passed, ${tally.failed + 1} failed`);
    process.exit(1);
  },
);
