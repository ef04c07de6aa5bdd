// Runs the real server (server/index.ts) as a child process, for tests that kill and restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  origin: string;
  /** The emulator's origin (for its fault controls), read from the start-up log. */
  emulatorOrigin: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export async function startServerProcess(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEMO_DATA: 'false', EMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
    if (ready && /Uploads Console is running/.test(output)) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const emulatorOrigin = /embedded emulator at (http:\/\/[^/\s]+)\/v1/.exec(output)?.[1];
  if (!emulatorOrigin) throw new Error(`no emulator in the start-up log:\n${output}`);
  return { origin, emulatorOrigin, child, output: () => output, exited };
}
