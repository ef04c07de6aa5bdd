// The console for in-process benchmarks, built by createConsole as server/index.ts builds it, from
// a store (a SQLite file or a PostgreSQL database) and an upstream the benchmark chooses (an
// emulator in another process, or nothing listening at all). Callers do not start() it, so no background work (expiry sweep, reconciler,
// live counts) runs beside the requests a benchmark measures; stop() closes what it opened.
import { createConsole, type Console } from '#server/console.ts';
import { systemClock, type Clock } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';

export const OPERATOR_TOKEN = 'bench-operator-token-0123456789abcdef';
export const CLIENT_TOKEN = 'bench-client-token-0123456789abcdef';
export const EMULATOR_KEY = 'sk-emulator-bench-0123456789abcdef';

export type BenchConsoleOptions = BenchStore & {
  /** The upstream's base URL (…/v1) and key. */
  upstreamUrl: string;
  upstreamKey: string;
  upstreamTimeoutMs?: number;
  clock?: Clock;
};

/** The store's SQLite file, or a PostgreSQL database (postgres://…). */
export type BenchStore = { databasePath: string; databaseUrl?: undefined } | { databaseUrl: string; databasePath?: undefined };

export async function createBenchConsole(options: BenchConsoleOptions): Promise<Console> {
  return await createConsole({
    databasePath: options.databasePath ?? ':memory:',
    databaseUrl: options.databaseUrl,
    upstream: { kind: 'remote', baseUrl: options.upstreamUrl, apiKey: options.upstreamKey },
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 30_000,
    operators: [{ name: 'bench-operator', token: OPERATOR_TOKEN }],
    clients: [{ name: 'bench', token: CLIENT_TOKEN }],
    clock: options.clock ?? systemClock,
    log: silentLogger,
    drainTimeoutMs: 0,
  });
}
