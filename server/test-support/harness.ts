// Builds the whole app for a test: the real emulator over loopback HTTP as the upstream, an
// in-memory SQLite store, and known tokens. Only the port-opening differs from production.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../app.ts';
import { createOperatorDirectory, createTokenMatcher } from '../lib/auth.ts';
import { AdjustableClock } from '../lib/clock.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';
import { startEmulator } from '../emulator/server.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { createUpstreamClient, type UpstreamClient } from '../upstream/openai-client.ts';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const CLIENT_TOKEN = 'client-token-for-tests-0123456789';
export const EMULATOR_KEY = 'sk-emulator-tests-0123456789abcdef';

export interface HarnessOptions {
  timeoutMs?: number;
  /** Open a real port for the proxy too (SDK tests). */
  listen?: boolean;
  maxPartBytes?: number;
  log?: Logger;
  /** Replace the upstream client (e.g. one pointed at a closed port). */
  upstream?: (emulatorUrl: string) => UpstreamClient;
}

export async function startHarness(options: HarnessOptions = {}) {
  const partsDir = mkdtempSync(join(tmpdir(), 'uc-harness-'));
  const clock = new AdjustableClock();
  const emulator = await startEmulator({ port: 0, apiKey: EMULATOR_KEY, databasePath: ':memory:', partsDir, clock });
  const store = openSqliteStore(':memory:');
  const upstream = options.upstream?.(emulator.url) ?? createUpstreamClient({ baseUrl: emulator.url, apiKey: EMULATOR_KEY, timeoutMs: options.timeoutMs ?? 3000 });
  const app = createApp({
    clock,
    store,
    upstream,
    operators: createOperatorDirectory([{ name: 'alice', token: OPERATOR_TOKEN }]),
    findClient: createTokenMatcher([{ name: 'sdk', token: CLIENT_TOKEN }]),
    upstreamMode: 'emulator',
    staticDir: null,
    log: options.log ?? silentLogger,
    ...(options.maxPartBytes ? { maxPartBytes: options.maxPartBytes } : {}),
  });

  let server: ServerType | null = null;
  let origin = 'http://localhost';
  if (options.listen) {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Calls the dashboard API in-process as the operator (Bearer token). */
  const api = async (path: string, init: RequestInit = {}) =>
    await app.request(path, { ...init, headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...(init.headers as Record<string, string>) } });

  /** Calls the /v1 pass-through in-process as a client. */
  const v1 = async (path: string, init: RequestInit = {}) =>
    await app.request(`/v1${path}`, { method: 'POST', ...init, headers: { authorization: `Bearer ${CLIENT_TOKEN}`, ...(init.headers as Record<string, string>) } });

  return {
    app,
    api,
    v1,
    clock,
    emulator,
    store,
    upstream,
    origin,
    async close() {
      if (server) {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        await new Promise((resolve) => server!.close(resolve));
      }
      await upstream.close();
      await emulator.close();
      await store.close();
      rmSync(partsDir, { recursive: true, force: true });
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
