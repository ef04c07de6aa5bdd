// Uploads made by the second pass-through client (`e2e-bot`) with curl itself, so the owners
// specs see two clients and two kinds of software side by side.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { e2eEnv } from './e2e-env.ts';

const run = promisify(execFile);

/** Creates a pending upload through the proxy with curl, as the `e2e-bot` client. */
export async function curlCreate(filename: string): Promise<{ id: string; filename: string }> {
  const body = JSON.stringify({ filename, purpose: 'batch', bytes: 4096, mime_type: 'application/jsonl' });
  const { stdout } = await run('curl', ['-sS', '--fail-with-body', `http://127.0.0.1:${e2eEnv.port}/v1/uploads`, '-H', `Authorization: Bearer ${e2eEnv.botClientToken}`, '-H', 'Content-Type: application/json', '-d', body]);
  return JSON.parse(stdout) as { id: string; filename: string };
}

/** What curl calls itself in its User-Agent, e.g. `curl/7.88.1`. */
export async function curlUserAgent(): Promise<string> {
  const { stdout } = await run('curl', ['--version']);
  return `curl/${/^curl (\S+)/.exec(stdout)![1]!}`;
}
