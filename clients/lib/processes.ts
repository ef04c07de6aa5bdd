// Child processes of the client run: each in its own process group, so a timeout or an
// interrupted run ends the whole tree (a JVM, a `go run`, a shell and its curl), never more.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

export interface Finished {
  code: number | null;
  /** Set when the process was ended for overrunning its time. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Called with each complete line of stdout as it arrives. */
  onLine?: (line: string) => void;
}

export function run(command: string, args: string[], options: RunOptions): Promise<Finished> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let pending = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const done = (code: number | null) => {
      clearTimeout(timer);
      running.delete(child);
      if (pending) options.onLine?.(pending);
      pending = '';
      // Whatever the client left behind in its group (a forked helper) goes with it.
      killGroup(child);
      resolve({ code, timedOut, stdout, stderr, ms: performance.now() - started });
    };
    child.once('error', (error) => {
      stderr += String(error);
      done(null);
    });
    child.once('close', (code) => done(code));
  });
}

/** True when `command` is found on PATH (or is an executable path). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', command]).status === 0;
}

/** Ends every child still running (on an interrupted run). */
export function killAll(): void {
  for (const child of running) killGroup(child);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
