// What the TypeScript-driven clients (node, cli, curl) share: running a named check and printing
// the line the runner reads, and the two test controls (inject a fault, count attempts).
// Python, Java and Go have the same few lines in their own language.
import assert from 'node:assert/strict';

export interface Controls {
  baseUrl: string;
  apiKey: string;
  emulatorOrigin: string;
  emulatorKey: string;
  controlUrl: string;
}

/** The console the runner started, from the environment it handed this process. */
export function controlsFrom(env: Record<string, string | undefined>): Controls {
  const get = (name: string) => env[name] ?? assert.fail(`${name} is not set: run this through clients/run.ts`);
  return {
    baseUrl: get('OPENAI_BASE_URL'),
    apiKey: get('OPENAI_API_KEY'),
    emulatorOrigin: get('UC_EMULATOR_ORIGIN'),
    emulatorKey: get('UC_EMULATOR_KEY'),
    controlUrl: get('UC_CONTROL_URL'),
  };
}

export type Operation = 'create' | 'parts' | 'complete' | 'cancel';
export interface Attempts {
  emulator: number;
  proxy: number;
  last_retry_count: string | null;
}

/** Makes the emulator fail the next call of `operation` (POST /__emulator/faults). */
export async function injectFault(controls: Controls, rule: { operation: Operation; status: number; retry_after?: number }): Promise<void> {
  const response = await fetch(`${controls.emulatorOrigin}/__emulator/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${controls.emulatorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...rule, count: 1 }),
  });
  assert.equal(response.status, 200, `injecting a fault: ${await response.text()}`);
}

export async function attempts(controls: Controls, operation: Operation): Promise<Attempts> {
  const response = await fetch(`${controls.controlUrl}/attempts`);
  const all = (await response.json()) as Record<Operation, Attempts>;
  return all[operation];
}

/** Runs `body` and checks that the proxy and the emulator each saw `expected` calls. */
export async function expectAttempts<T>(controls: Controls, operation: Operation, expected: number, body: () => Promise<T>): Promise<{ result: T; after: Attempts }> {
  const before = await attempts(controls, operation);
  const result = await body();
  const after = await attempts(controls, operation);
  const seen = { emulator: after.emulator - before.emulator, proxy: after.proxy - before.proxy };
  assert.deepEqual(seen, { emulator: expected, proxy: expected }, `${operation} attempts (proxy, emulator)`);
  return { result, after };
}

let failures = 0;

/** Runs one check: prints `PASS <name> <detail>` or `FAIL <name> <reason>`. */
export async function check(name: string, body: () => Promise<string | undefined>): Promise<void> {
  try {
    const detail = await body();
    console.log(`PASS ${name}${detail ? ` ${detail}` : ''}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name} ${oneLine(error)}`);
  }
}

/** The exit code once every check ran: 1 when any failed. */
export function exitCode(): number {
  return failures > 0 ? 1 : 0;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  return text.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 1500);
}
