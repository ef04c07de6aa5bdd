// Servers under load run in child processes, so the load generator (this process) does not share
// an event loop with them and their memory can be read on its own. Parent side here; the child
// side is serveChild() in child-main.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_PREFIX = 'READY ';

export interface RunningChild<T> {
  pid: number;
  /** What the child reported once it was listening. */
  ready: T;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/**
 * Starts `bench/<script>` with Node and tsx's loader (one process, so its pid is the server's,
 * not a wrapper's) and resolves once it prints its READY line.
 */
export async function startChild<T>(script: string, config: unknown, timeoutMs = 60_000): Promise<RunningChild<T>> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  // stdin stays a pipe: when this process dies, the child sees it close and exits too.
  const child = spawn(process.execPath, ['--import', 'tsx', path, JSON.stringify(config)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const ready = await new Promise<T>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`${script} did not start within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}${stderr ? `\n${stderr.trim()}` : ''}`));
    };
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`${script} exited (${signal ?? code}) before it was ready`)));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith(READY_PREFIX));
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      resolve(JSON.parse(line.slice(READY_PREFIX.length)) as T);
    });
  });
  child.stdout!.resume();

  return { pid: child.pid!, ready, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface MemoryReading {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since the process started (VmHWM), bytes; null where /proc has none. */
  peak: number | null;
}

/** Reads a process's memory from /proc (Linux). */
export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  };
  const rss = kb('VmRSS');
  if (rss === null) throw new Error(`/proc/${pid}/status has no VmRSS`);
  return { rss, peak: kb('VmHWM') };
}

/**
 * Starts a new peak (VmHWM) from the current RSS, so start-up (tsx compiling the server) does not
 * count as the peak of what follows. Returns false where the kernel does not allow it.
 */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples RSS every `everyMs` until stopped; returns the highest reading. */
export function sampleMemory(pid: number, everyMs = 20) {
  let max = readMemory(pid).rss;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, readMemory(pid).rss);
    } catch {
      // the process is gone; keep what we have
    }
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      return max;
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

/** CPU seconds (user + system) a process and all its descendants have used so far (Linux /proc). */
export function cpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  let ticks = 0;
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) pending.push(child);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/**
 * Polls `url` until it answers (with 200 when `expectOk`), for a server a bench started. Throws
 * `exited()`'s reason as soon as the process has died, and `late()` once `timeoutMs` has passed.
 */
export async function waitUntilAnswering(
  url: string,
  options: { timeoutMs: number; everyMs: number; expectOk?: boolean; exited: () => string | null; late: () => Promise<Error> },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const death = options.exited();
    if (death !== null) throw new Error(death);
    try {
      const response = await request(url, { method: 'GET' });
      await response.body.dump();
      if (!options.expectOk || response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw await options.late();
    await sleep(options.everyMs);
  }
}
