// What GET /metrics reports, in the Prometheus text format (prom-client). One registry per
// console, so tests and several consoles in one process never mix their numbers; the process's
// own metrics (CPU, memory, event loop, GC) are the process's, kept once (process-metrics.ts).
//
// Counters and histograms are bumped where things happen (instrument-store.ts,
// instrument-upstream.ts, the /v1 middleware, live streams) at the cost of one prom-client call
// each. The upload gauges are read from the store when scraped: on PostgreSQL that is the shared
// database, so every replica reports the same truth; a read is reused for SNAPSHOT_TTL_MS so a
// fast scraper (or several) cannot load the database.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEntry, CancelOutcome, StatusCounts } from '#contract/dashboard-api.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { processMetrics } from './process-metrics.ts';

/** How long one scrape's store read serves the next ones. */
export const SNAPSHOT_TTL_MS = 1_000;

/** The upstream operations, as the emulator's faults and the /v1 routes name them. */
export type UpstreamOperation = 'create' | 'parts' | 'complete' | 'cancel' | 'other';

/**
 * The pass-through's routes, as templates (never the concrete path: one series per upload id
 * would be unbounded). Anything else under /v1 is `other`.
 */
export const PASS_THROUGH_ROUTES = ['/v1/uploads', '/v1/uploads/:upload_id/parts', '/v1/uploads/:upload_id/complete', '/v1/uploads/:upload_id/cancel', '/v1/openapi.json', 'other'] as const;
export type PassThroughRoute = (typeof PASS_THROUGH_ROUTES)[number];

/** Upstream calls can take minutes (large parts on slow links): buckets up to 5 minutes. */
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Store queries are sub-millisecond on SQLite, a few ms on PostgreSQL. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const STATUSES = ['pending', 'completed', 'cancelled', 'expired'] as const satisfies readonly (keyof StatusCounts)[];

interface StoreSnapshot {
  counts: StatusCounts;
  bulkJobsRunning: number;
}

export interface MetricsSources {
  store: UploadStore;
  clock: Clock;
  log: Logger;
}

/**
 * Label objects made once per distinct pair of values, so a hot path builds no object and no
 * string (prom-client hashes the object it is given; the values here are few and fixed).
 */
function labelCache<A, B, L>(make: (a: A, b: B) => L): (a: A, b: B) => L {
  const outer = new Map<A, Map<B, L>>();
  return (a, b) => {
    let inner = outer.get(a);
    if (inner === undefined) outer.set(a, (inner = new Map()));
    let labels = inner.get(b);
    if (labels === undefined) inner.set(b, (labels = make(a, b)));
    return labels;
  };
}

/**
 * A counter by two labels whose hot path is one integer increment on an entry made once per pair
 * of values: the counts are handed to prom-client when it is scraped (its collect hook), which
 * hashes the labels then, once per series, rather than on every request.
 */
function deferredCounter<A, B>(config: { name: string; help: string; labelNames: [string, string]; registers: Registry[] }, labelsOf: (a: A, b: B) => Record<string, string>) {
  const entries: { labels: Record<string, string>; n: number }[] = [];
  new Counter({
    ...config,
    collect() {
      for (const entry of entries) {
        if (entry.n === 0) continue;
        this.inc(entry.labels, entry.n);
        entry.n = 0;
      }
    },
  });
  const entryOf = labelCache((a: A, b: B) => {
    const entry = { labels: labelsOf(a, b), n: 0 };
    entries.push(entry);
    return entry;
  });
  return (a: A, b: B) => {
    entryOf(a, b).n++;
  };
}

export type ConsoleMetrics = ReturnType<typeof createConsoleMetrics>;

export function createConsoleMetrics() {
  const registry = new Registry();
  const registers = [registry];
  // Read from the store at each scrape, and left out of it while the store cannot be read (a gap
  // says "unknown"; a zero or an old number would look current).
  const fromStore = new Registry();

  const uploads = new Gauge({ name: 'uploads_console_uploads', help: 'Recorded uploads by effective status (a pending upload past its expiry counts as expired), from the shared store.', labelNames: ['status'], registers: [fromStore] });
  const stuck = new Gauge({ name: 'uploads_console_uploads_stuck', help: 'Pending uploads that are stuck (no part for longer than the stuck threshold), from the shared store.', registers: [fromStore] });
  const bulkJobs = new Gauge({ name: 'uploads_console_bulk_jobs_running', help: 'Bulk cancel jobs still running, on every replica, from the shared store.', registers: [fromStore] });
  // Reported once there is a store to read (watch()).
  const storeHealth = new Registry();
  const storeUp = new Gauge({ name: 'uploads_console_store_up', help: '1 when the last scrape could read the store, 0 when it could not (the upload gauges are then absent).', registers: [storeHealth] });
  // Absent until something registers a count (setPoliciesRunning), and while that count fails.
  const fromPolicies = new Registry();
  const policies = new Gauge({ name: 'uploads_console_policies_running', help: 'Cleanup policies running.', registers: [fromPolicies] });
  const liveStreams = new Gauge({ name: 'uploads_console_live_streams', help: 'Live-update streams (server-sent events) open on this replica.', registers });
  const countCancel = deferredCounter(
    { name: 'uploads_console_cancels_total', help: 'Cancels recorded (one per audit entry written), by outcome and by who asked (source).', labelNames: ['outcome', 'source'], registers },
    (outcome: CancelOutcome, source: AuditEntry['source']) => ({ outcome, source }),
  );
  const countPassThrough = deferredCounter(
    { name: 'uploads_console_pass_through_requests_total', help: 'Requests to the OpenAI-compatible pass-through (/v1), by route template and answered status.', labelNames: ['route', 'status'], registers },
    (route: PassThroughRoute, status: number) => ({ route, status: String(status) }),
  );
  const upstream = new Histogram({
    name: 'uploads_console_upstream_request_duration_seconds',
    help: 'Calls to the upstream Uploads API (OpenAI or the emulator), by operation and status (the HTTP status, or timeout / unreachable / bad_response / aborted when there was none).',
    labelNames: ['operation', 'status'],
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const storeQueries = new Histogram({ name: 'uploads_console_store_query_duration_seconds', help: 'Store calls (SQLite or PostgreSQL), by method, failed ones included.', labelNames: ['method'], buckets: STORE_BUCKETS, registers });

  const upstreamLabels = labelCache((operation: UpstreamOperation, status: number | string) => ({ operation, status: String(status) }));

  let sources: MetricsSources | null = null;
  let countPolicies: (() => number | Promise<number>) | null = null;
  let snapshot: { at: number; read: Promise<StoreSnapshot> } | null = null;
  let storeWasUp = true;
  let policiesWereCounted = true;

  /** The store's numbers, read at most once per SNAPSHOT_TTL_MS however many scrapes ask. */
  function readStore(from: MetricsSources): Promise<StoreSnapshot> {
    const now = performance.now();
    if (snapshot && now - snapshot.at < SNAPSHOT_TTL_MS) return snapshot.read;
    const read = (async () => {
      const [counts, running] = await Promise.all([from.store.countByStatus(unixSeconds(from.clock)), from.store.runningJobs()]);
      return { counts, bulkJobsRunning: running.length };
    })();
    snapshot = { at: now, read };
    // A failed read is not reused: the next scrape tries again.
    read.catch(() => {
      if (snapshot?.read === read) snapshot = null;
    });
    return read;
  }

  /** Sets the gauges read at scrape time; the registries of those that could be read. */
  async function refreshGauges(): Promise<Registry[]> {
    const read: Registry[] = [];
    if (sources) {
      read.push(storeHealth);
      try {
        const { counts, bulkJobsRunning } = await readStore(sources);
        for (const status of STATUSES) uploads.set({ status }, counts[status]);
        stuck.set(counts.stuck);
        bulkJobs.set(bulkJobsRunning);
        storeUp.set(1);
        storeWasUp = true;
        read.push(fromStore);
      } catch (error) {
        storeUp.set(0);
        if (storeWasUp) sources.log.warn('metrics: could not read the store; upload gauges are absent until it answers', { error: error instanceof Error ? error.message : String(error) });
        storeWasUp = false;
      }
    }
    if (countPolicies) {
      try {
        policies.set(await countPolicies());
        read.push(fromPolicies);
        policiesWereCounted = true;
      } catch (error) {
        if (policiesWereCounted) sources?.log.warn('metrics: could not count the policies running; the gauge is absent until it can', { error: error instanceof Error ? error.message : String(error) });
        policiesWereCounted = false;
      }
    }
    return read;
  }

  return {
    registry,
    /** Where the scrape-time gauges are read from (the store, wrapped or not, and the console's clock for stuckness and expiry). */
    watch(from: MetricsSources): void {
      sources = from;
      snapshot = null;
    },
    /** The policies helper registers how many policies are running; read at each scrape. */
    setPoliciesRunning(count: () => number | Promise<number>): void {
      countPolicies = count;
    },
    /** One cancel's result was written (its audit entry). */
    cancelRecorded(outcome: CancelOutcome, source: AuditEntry['source']): void {
      countCancel(outcome, source);
    },
    /** A /v1 request was answered. */
    passThroughAnswered(route: PassThroughRoute, status: number): void {
      countPassThrough(route, status);
    },
    upstreamCalled(operation: UpstreamOperation, status: number | string, seconds: number): void {
      upstream.observe(upstreamLabels(operation, status), seconds);
    },
    /** A histogram child for one store method, made once per method by the store wrapper. */
    storeMethod(method: string): { observe(seconds: number): void } {
      return storeQueries.labels({ method });
    },
    /** A live stream opened; call what it returns when it ends. */
    streamOpened(): () => void {
      liveStreams.inc();
      let open = true;
      return () => {
        if (open) liveStreams.dec();
        open = false;
      };
    },
    /** The scrape: this console's metrics (gauges read now), then the process's. */
    async render(): Promise<{ contentType: string; body: string }> {
      const read = await refreshGauges();
      const parts = await Promise.all([...read, registry, processMetrics()].map((r) => r.metrics()));
      return { contentType: registry.contentType, body: parts.join('') };
    },
  };
}
