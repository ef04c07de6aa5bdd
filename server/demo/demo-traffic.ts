// A realistic stream of OpenAI SDK clients using the proxy: some uploads finish, some stall
// half-way, some are abandoned to expire, some fail, some are cancelled by their client.
// An operator watching the dashboard sees them arrive and progress.
import { randomBytes, randomInt } from 'node:crypto';
import OpenAI, { toFile } from 'openai';

export type ClientBehaviour = 'finishes' | 'stalls' | 'abandons' | 'fails' | 'cancels';

export interface TrafficOptions {
  /** The proxy's /v1 base URL. */
  baseURL: string;
  /** A client token the proxy accepts. */
  apiKey: string;
  /** Milliseconds between new clients (jittered ±50%). */
  everyMs?: number;
  /** Stop after this long; undefined runs until the signal aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Pause between a client's pairs of parts, min and max milliseconds. */
  pauseMs?: [number, number];
}

// How often each behaviour shows up, out of 20.
const MIX: [ClientBehaviour, number][] = [
  ['finishes', 9],
  ['stalls', 4],
  ['abandons', 3],
  ['fails', 2],
  ['cancels', 2],
];

const NAMES = ['nightly-export', 'fine-tune-batch', 'support-transcripts', 'catalog-sync', 'eval-run', 'invoice-scan', 'chat-logs', 'embeddings-input'];

function pickBehaviour(): ClientBehaviour {
  let roll = randomInt(20);
  for (const [behaviour, weight] of MIX) {
    if (roll < weight) return behaviour;
    roll -= weight;
  }
  return 'finishes';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** One client's life; resolves when it is done with its upload (or gave up on it). */
export async function runClient(
  client: OpenAI,
  behaviour: ClientBehaviour,
  { signal, pauseMs = [800, 2500] }: { signal?: AbortSignal | undefined; pauseMs?: [number, number] } = {},
): Promise<string> {
  const partSize = 64 * 1024 * randomInt(1, 9);
  const partCount = randomInt(3, 9);
  const filename = `${NAMES[randomInt(NAMES.length)]}-${new Date().toISOString().slice(0, 10)}-${randomBytes(2).toString('hex')}.jsonl`;
  const upload = await client.uploads.create({ filename, purpose: 'batch', bytes: partSize * partCount, mime_type: 'application/jsonl' });
  if (behaviour === 'abandons') return `${upload.id} abandoned (will expire)`;

  const sendUntil = behaviour === 'stalls' ? Math.ceil(partCount / 2) : behaviour === 'cancels' ? 1 : partCount;
  const partIds: string[] = [];
  for (let i = 0; i < sendUntil && !signal?.aborted; i += 2) {
    // Two parts at a time, as the SDK helpers do, with a pause between pairs so progress is visible.
    const batch = Array.from({ length: Math.min(2, sendUntil - i) }, async (_, j) =>
      client.uploads.parts.create(upload.id, { data: await toFile(randomBytes(partSize), `part-${i + j}`) }),
    );
    partIds.push(...(await Promise.all(batch)).map((part) => part.id));
    await sleep(randomInt(pauseMs[0], pauseMs[1] + 1), signal);
  }
  if (signal?.aborted) return `${upload.id} interrupted`;
  switch (behaviour) {
    case 'stalls':
      return `${upload.id} stalled after ${partIds.length}/${partCount} parts`;
    case 'cancels':
      await client.uploads.cancel(upload.id);
      return `${upload.id} cancelled by its client`;
    case 'fails':
      // Completes with a part missing: OpenAI refuses, and the client gives up on the upload.
      try {
        await client.uploads.complete(upload.id, { part_ids: partIds.slice(1) });
      } catch (error) {
        return `${upload.id} failed: ${(error as Error).message}`;
      }
      return `${upload.id} unexpectedly completed`;
    default:
      await client.uploads.complete(upload.id, { part_ids: partIds });
      return `${upload.id} completed (${partCount} parts)`;
  }
}

/** Starts clients until the duration ends or the signal aborts; resolves once all have finished. */
export async function runDemoTraffic(options: TrafficOptions): Promise<{ started: number; failed: number }> {
  const client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 2 });
  const log = options.log ?? ((line: string) => console.log(line));
  const every = options.everyMs ?? 2500;
  const until = options.durationMs === undefined ? Infinity : Date.now() + options.durationMs;
  const running = new Set<Promise<void>>();
  let started = 0;
  let failed = 0;
  while (!options.signal?.aborted && Date.now() < until) {
    const behaviour = pickBehaviour();
    started += 1;
    const run = runClient(client, behaviour, { signal: options.signal, ...(options.pauseMs ? { pauseMs: options.pauseMs } : {}) })
      .then((line) => log(`demo traffic: ${line}`))
      .catch((error: unknown) => {
        failed += 1;
        log(`demo traffic: a ${behaviour} client hit an error: ${(error as Error).message}`);
      })
      .finally(() => running.delete(run));
    running.add(run);
    await sleep(every * (0.5 + Math.random()), options.signal);
  }
  await Promise.all(running);
  return { started, failed };
}
