// A throw-away PostgreSQL cluster for tests: initdb into a temp folder, pg_ctl start on a free
// port (127.0.0.1) and a unix socket inside that folder, stop and delete it at the end.
// Needs a server installed (Debian: `apt-get install -y postgresql`); nothing is downloaded.
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user
// (UC_PG_OS_USER overrides), which owns the temp folder.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '#server/test-support/server-process.ts';

const run = promisify(execFile);

export const POSTGRES_INSTALL_HINT = 'apt-get install -y postgresql';

export interface PostgresCluster {
  /** 127.0.0.1 (TCP, password auth) */
  host: string;
  port: number;
  /** The folder holding the unix socket (trust auth, reachable only by the cluster's OS user and root). */
  socketDir: string;
  user: string;
  password: string;
  /** The server's major version, e.g. 15. */
  version: number;
  /** A connection string for one database on this cluster (TCP). */
  url(database?: string): string;
  /** The last lines of the server log (for failure messages). */
  logTail(lines?: number): string;
  /** Restarts the server on the same port (ends every connection), e.g. to test reconnecting. */
  restart(): Promise<void>;
  /** Stops the server (fast, then immediate) and deletes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  /** Folder with initdb/pg_ctl/postgres; found by findPostgresBinDir() when omitted. */
  binDir?: string;
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string>;
}

/**
 * The bin folder of the newest installed server: UC_PG_BIN, else Debian's /usr/lib/postgresql/<major>/bin,
 * else the folder of an initdb on PATH. Null when no server is installed.
 */
export function findPostgresBinDir(): string | null {
  const fromEnv = process.env.UC_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : null;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(debian, name, 'bin', 'initdb')) && existsSync(join(debian, name, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return join(debian, majors[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return null;
}

// Speed over durability: the data is deleted at the end anyway.
const TEST_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '200',
  shared_buffers: '64MB',
  // The machine is shared with other test runs: keep background work quiet.
  autovacuum: 'off',
  log_min_messages: 'warning',
  log_min_error_statement: 'panic',
};

export async function startCluster(options: StartClusterOptions = {}): Promise<PostgresCluster> {
  const binDir = options.binDir ?? findPostgresBinDir();
  if (!binDir) throw new Error(`No PostgreSQL server is installed (no initdb found). Install one: ${POSTGRES_INSTALL_HINT}`);
  const asRoot = process.getuid?.() === 0;
  const osUser = asRoot ? (process.env.UC_PG_OS_USER ?? 'postgres') : null;
  const owner = osUser ? await osUserIds(osUser) : null;
  // As the cluster's OS user: initdb, pg_ctl and postgres refuse to run as root.
  const asOwner = (command: string, args: string[]) =>
    osUser ? run('runuser', ['-u', osUser, '--', join(binDir, command), ...args], { timeout: 120_000 }) : run(join(binDir, command), args, { timeout: 120_000 });

  // Short path: a unix socket path must stay under ~107 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'uc-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);

  let watchdog: number | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(data, 'postmaster.pid'))) {
      await asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-t', '20', '-s', 'stop']).catch(() =>
        asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-s', 'stop']).catch(() => undefined),
      );
    }
    rmSync(dir, { recursive: true, force: true });
    if (watchdog !== undefined) {
      try {
        process.kill(watchdog);
      } catch {
        // already gone
      }
    }
  };

  try {
    await asOwner('initdb', [
      '-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256',
      // C.UTF-8: code point order and Unicode case folding (ILIKE, pg_trgm) whatever the machine's locale.
      '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions',
    ]);
    rmSync(pwfile);
    const settings = { ...TEST_SETTINGS, ...options.settings };
    const postgresOptions = ['-c listen_addresses=127.0.0.1', `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)];
    let port = 0;
    const serverOptions = () => [`-p ${port}`, ...postgresOptions].join(' ');
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await asOwner('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-s', '-o', serverOptions(), 'start']);
        break;
      } catch (error) {
        // Another process may have taken the port between freePort() and the server's bind.
        if (attempt >= 3 || !/could not bind|address already in use/i.test(tail(log, 20))) throw error;
      }
    }
    watchdog = startWatchdog(dir, data, binDir, osUser);
    const { stdout } = await run(join(binDir, 'pg_ctl'), ['--version']);
    const version = Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1] ?? 0);
    return {
      host: '127.0.0.1',
      port,
      socketDir: dir,
      user: 'postgres',
      password,
      version,
      // sslmode=disable: a PGSSLMODE in the environment must not make the tests ask for TLS.
      url: (database = 'postgres') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}?sslmode=disable`,
      logTail: (lines = 30) => tail(log, lines),
      restart: async () => {
        await asOwner('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-s', '-m', 'fast', '-o', serverOptions(), 'restart']);
      },
      stop,
    };
  } catch (error) {
    const logText = tail(log, 30);
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not start a test PostgreSQL cluster with ${binDir}: ${message}${logText ? `\n--- server log ---\n${logText}` : ''}`, { cause: error });
  }
}

async function osUserIds(name: string): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(`Running as root, the test cluster needs an OS user "${name}" to own it (Debian's postgresql package creates it; UC_PG_OS_USER names another)`);
  }
}

/**
 * A detached shell that stops the server and deletes the folder if this process dies without
 * calling stop() (a crash, SIGKILL, Ctrl-C before teardown). It exits by itself once the folder is gone.
 */
function startWatchdog(dir: string, data: string, binDir: string, osUser: string | null): number | undefined {
  const pgCtl = `${osUser ? `runuser -u ${osUser} -- ` : ''}"${join(binDir, 'pg_ctl')}"`;
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null && [ -d "${data}" ]; do sleep 1; done`,
    `if [ -f "${data}/postmaster.pid" ]; then ${pgCtl} -D "${data}" -m immediate -s stop >/dev/null 2>&1; fi`,
    `rm -rf "${dir}"`,
  ].join('\n');
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
