// HTTP load from this process with autocannon: a fixed number of connections, each with one
// request in flight, for a fixed time or a fixed number of requests (always bounded in time).
import autocannon from 'autocannon';

export interface LoadOptions {
  origin: string;
  token: string;
  /** More request headers (e.g. a gateway's routing headers). */
  headers?: Record<string, string>;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Stop after this many responses. */
  amount?: number;
  /** The path of every request, or of each next request. */
  path: string | (() => string);
  /** Hard stop, whatever `amount` says. */
  maxSeconds: number;
}

/** Latencies are autocannon's: whole milliseconds. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  seconds: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const headers = { ...options.headers, authorization: `Bearer ${options.token}`, 'content-length': '0' };
  const nextPath = options.path;
  const fixed = typeof nextPath === 'string';
  let timer: NodeJS.Timeout | undefined;
  // autocannon only finishes on its next once-a-second tick, so its own duration can overstate a
  // short run by up to a second: time from the start to the last response instead.
  let startedAt = 0;
  let lastResponseAt = 0;
  let responses = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: fixed ? `${options.origin}${nextPath}` : options.origin,
        method: 'POST',
        headers,
        connections: options.connections,
        pipelining: 1,
        timeout: 10,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
        ...(fixed ? {} : { requests: [{ method: 'POST' as const, setupRequest: (request: autocannon.Request) => ({ ...request, path: nextPath() }) }] }),
      },
      (error: unknown, done: autocannon.Result) => {
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(done);
      },
    );
    startedAt = performance.now();
    instance.on('response', () => {
      responses++;
      lastResponseAt = performance.now();
    });
    timer = setTimeout(() => instance.stop(), options.maxSeconds * 1000);
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  const seconds = (lastResponseAt - startedAt) / 1000;
  return {
    requestsPerSecond: seconds > 0 ? responses / seconds : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses,
    seconds,
    statuses,
    errors: result.errors + result.timeouts,
  };
}
