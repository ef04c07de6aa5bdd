// Builds the whole app for a test: the real emulator over loopback HTTP as the upstream, an
// in-memory SQLite store, and known tokens. Only the port-opening differs from production.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '#server/app.ts';
import { createOperatorDirectory, createTokenMatcher } from '#server/lib/auth.ts';
import { AdjustableClock } from '#server/lib/clock.ts';
import { ChangeFeed } from '#server/lib/change-feed.ts';
import { broadcastCounts } from '#server/lib/counts-broadcaster.ts';
import { BulkCancelRunner } from '#server/cancel/bulk-cancel-runner.ts';
import { silentLogger, type Logger } from '#server/lib/logger.ts';
import { startEmulator } from '#server/emulator/server.ts';
import { openSqliteStore } from '#server/store/sqlite-store.ts';
import { createUpstreamClient, type UpstreamClient } from '#server/upstream/openai-client.ts';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const CLIENT_TOKEN = 'client-token-for-tests-0123456789';
export const EMULATOR_KEY = 'sk-emulator-tests-0123456789abcdef';

export const SECOND_OPERATOR_TOKEN = 'second-operator-token-for-tests-0123';
export const READ_ONLY_TOKEN = 'read-only-token-for-tests-0123456789';

export interface HarnessOptions {
  /** Seconds without a part before a pending upload counts as stuck (default 600). */
  stuckAfterSeconds?: number;
  bulkConcurrency?: number;
  /** The origin browsers use, when behind a TLS-terminating proxy. */
  publicOrigin?: string;
  /** Use a SQLite file instead of memory (restart tests reopen it). */
  databasePath?: string;
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
  const stuckAfterSeconds = options.stuckAfterSeconds ?? 600;
  const store = openSqliteStore(options.databasePath ?? ':memory:', { stuckAfterSeconds });
  const upstream = options.upstream?.(emulator.url) ?? createUpstreamClient({ baseUrl: emulator.url, apiKey: EMULATOR_KEY, timeoutMs: options.timeoutMs ?? 3000 });
  const log = options.log ?? silentLogger;
  const feed = new ChangeFeed();
  // Bulk jobs wait as little as possible in tests; what they were asked to wait is kept for assertions.
  const requestedWaits: number[] = [];
  const sleep = (ms: number) => {
    requestedWaits.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20)));
  };
  const runner = new BulkCancelRunner({ clock, store, upstream, feed, log, sleep }, { concurrency: options.bulkConcurrency ?? 4 });
  const stopCounts = broadcastCounts({ feed, store, clock, log }, 50);
  const app = createApp({
    clock,
    store,
    upstream,
    feed,
    runner,
    stuckAfterSeconds,
    publicOrigin: options.publicOrigin ?? null,
    operators: createOperatorDirectory([
      { name: 'alice', token: OPERATOR_TOKEN },
      { name: 'bob', token: SECOND_OPERATOR_TOKEN },
      { name: 'victor', token: READ_ONLY_TOKEN, role: 'read_only' },
    ]),
    findClient: createTokenMatcher([{ name: 'sdk', token: CLIENT_TOKEN }]),
    upstreamMode: 'emulator',
    staticDir: null,
    log,
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
    feed,
    runner,
    requestedWaits,
    async close() {
      await runner.stop();
      stopCounts();
      feed.close();
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
