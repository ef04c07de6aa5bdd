// The one console a client run talks to: built with createConsole exactly as server/index.ts
// builds it (embedded emulator, in-memory store, a known client token), listening on a free
// loopback port. Beside it, a small loopback "control" server tells each client how many attempts
// of each operation the proxy and the emulator saw, so a client can prove its own retry happened.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsole } from '#server/console.ts';
import { silentLogger } from '#server/lib/logger.ts';

export const CLIENT_TOKEN = 'client-token-for-official-clients-0123456789';
const EMULATOR_KEY = 'sk-emulator-official-clients-0123456789abcdef';
const OPERATOR_TOKEN = 'operator-token-for-official-clients-0123456789';

const OPERATIONS = ['create', 'parts', 'complete', 'cancel'] as const;
type Operation = (typeof OPERATIONS)[number];

/** Attempts of one operation since the console started. */
export interface AttemptCount {
  /** Calls the emulator received (every call passes its fault point). */
  emulator: number;
  /** Calls the proxy relayed upstream. */
  proxy: number;
  /** The `x-stainless-retry-count` header of the latest relayed call (null when the client sent none). */
  last_retry_count: string | null;
}

export interface TestConsole {
  /** What an OpenAI client takes as its base URL: `<console>/v1`. */
  baseUrl: string;
  apiKey: string;
  /** The emulator's origin and key: `POST <origin>/__emulator/faults` injects a failure. */
  emulatorOrigin: string;
  emulatorKey: string;
  /** `GET <controlUrl>/attempts` answers `{ create: AttemptCount, parts: …, complete: …, cancel: … }`. */
  controlUrl: string;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestConsole(): Promise<TestConsole> {
  const built = await createConsole({
    databasePath: ':memory:',
    upstream: { kind: 'emulator', apiKey: EMULATOR_KEY, dataDir: null },
    upstreamTimeoutMs: 10_000,
    operators: [{ name: 'clients', token: OPERATOR_TOKEN }],
    clients: [{ name: 'official-clients', token: CLIENT_TOKEN }],
    log: silentLogger,
    intervals: { expirySweepMs: null, reconcileMs: null },
    drainTimeoutMs: 0,
  });
  const emulator = built.emulator!;
  const counts = Object.fromEntries(OPERATIONS.map((op) => [op, { emulator: 0, proxy: 0, last_retry_count: null }])) as Record<Operation, AttemptCount>;

  // Counting wraps the two public seams every call passes: the emulator's fault point and the
  // proxy's upstream client. Nothing in the server changes.
  const take = emulator.faults.take.bind(emulator.faults);
  emulator.faults.take = (operation) => {
    counts[operation].emulator++;
    return take(operation);
  };
  const forward = built.upstream.forward.bind(built.upstream);
  built.upstream.forward = (request) => {
    const operation = operationOf(request.path);
    if (operation) {
      counts[operation].proxy++;
      counts[operation].last_retry_count = request.headers['x-stainless-retry-count'] ?? null;
    }
    return forward(request);
  };

  let control: Server | null = null;
  try {
    await built.start();
    const { origin } = await built.listen({ port: 0, host: '127.0.0.1' });
    control = await listenControl((path) => (path === '/attempts' ? counts : null));
    const controlPort = (control.address() as AddressInfo).port;
    return {
      baseUrl: `${origin}/v1`,
      apiKey: CLIENT_TOKEN,
      emulatorOrigin: emulator.origin,
      emulatorKey: EMULATOR_KEY,
      controlUrl: `http://127.0.0.1:${controlPort}`,
      clearFaults: async () => emulator.faults.clear(),
      stop: async () => {
        await new Promise<void>((resolve) => {
          control!.close(() => resolve());
          control!.closeAllConnections();
        });
        await built.stop();
      },
    };
  } catch (error) {
    control?.close();
    await built.stop();
    throw error;
  }
}

function operationOf(path: string): Operation | null {
  if (path === '/uploads') return 'create';
  const action = /^\/uploads\/[^/]+\/(parts|complete|cancel)$/.exec(path)?.[1];
  return (action as Operation | undefined) ?? null;
}

function listenControl(answer: (path: string) => unknown): Promise<Server> {
  const server = createServer((request, response) => {
    const body = request.method === 'GET' ? answer(new URL(request.url ?? '/', 'http://x').pathname) : null;
    response.writeHead(body === null ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
