// Builds the console's whole HTTP app the way server/test-support/harness.ts does, but from a
// store and an upstream the benchmark chooses (a SQLite file, an emulator in another process).
import { createApp } from '#server/app.ts';
import { createOperatorDirectory, createTokenMatcher } from '#server/lib/auth.ts';
import { systemClock, type Clock } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import type { UpstreamClient } from '#server/upstream/openai-client.ts';

export const OPERATOR_TOKEN = 'bench-operator-token-0123456789abcdef';
export const CLIENT_TOKEN = 'bench-client-token-0123456789abcdef';
export const EMULATOR_KEY = 'sk-emulator-bench-0123456789abcdef';

export interface ConsoleAppDeps {
  store: UploadStore;
  upstream: UpstreamClient;
  clock?: Clock;
}

export function createConsoleApp({ store, upstream, clock = systemClock }: ConsoleAppDeps) {
  return createApp({
    clock,
    store,
    upstream,
    operators: createOperatorDirectory([{ name: 'bench-operator', token: OPERATOR_TOKEN }]),
    findClient: createTokenMatcher([{ name: 'bench', token: CLIENT_TOKEN }]),
    upstreamMode: 'emulator',
    staticDir: null,
    log: silentLogger,
  });
}
