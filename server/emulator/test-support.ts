// Helpers for the emulator's tests: a real emulator on an ephemeral loopback port, in a temp dir
// that is removed again, and a small HTTP caller that returns status, headers and parsed JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './server.ts';

export const TEST_API_KEY = 'sk-test-emulator-0123456789abcdefwxyz';
/** 2026-01-01T00:00:00Z: a fixed start, so created_at values are predictable. */
export const TEST_EPOCH_SECONDS = Date.UTC(2026, 0, 1) / 1000;

export interface TestEmulator extends RunningEmulator {
  dir: string;
  partsDir: string;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  stop(): Promise<void>;
}

export interface CallOptions {
  /** A JSON value, or a string / FormData sent as is. */
  body?: unknown;
  /** null sends no Authorization header. */
  apiKey?: string | null;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // Tests read whatever field they assert on; the shapes are checked by those assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function startTestEmulator(options: Partial<StartEmulatorOptions> = {}): Promise<TestEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'uploads-emulator-'));
  const partsDir = join(dir, 'parts');
  const emulator = await startEmulator({
    apiKey: TEST_API_KEY,
    databasePath: ':memory:',
    partsDir,
    clock: new ManualClock(TEST_EPOCH_SECONDS * 1000),
    logger: silentLogger,
    ...options,
  });

  async function call(method: string, path: string, { body, apiKey = TEST_API_KEY, headers = {} }: CallOptions = {}) {
    const init: RequestInit = { method, headers: { ...headers } };
    const sent = init.headers as Record<string, string>;
    if (apiKey !== null) sent.authorization = `Bearer ${apiKey}`;
    if (typeof body === 'string' || body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      sent['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${emulator.origin}${path}`, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  }

  return {
    ...emulator,
    dir,
    partsDir,
    call,
    async stop() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A multipart body with one `data` field holding these bytes, the way the SDKs send a part. */
export function partForm(content: string | Uint8Array, field = 'data'): FormData {
  const form = new FormData();
  form.append(field, new Blob([typeof content === 'string' ? Buffer.from(content) : content]), 'part.bin');
  return form;
}
