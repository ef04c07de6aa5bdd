// Two bulk runners (two replicas, each with its own store connection, upstream client, cancel
// service and feed) working on one database, against one real emulator: what they guarantee
// together. A test file calls describeRunnerReplicas with a way to make a database and open
// connections to it (a SQLite file, a PostgreSQL database); nothing here knows which engine it is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, BulkCancelJob } from '#contract/dashboard-api.ts';
import { startEmulator, type RunningEmulator } from '#server/emulator/server.ts';
import { ChangeFeed } from '#server/lib/change-feed.ts';
import { systemClock, unixSeconds } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { createUpstreamClient, type UpstreamClient } from '#server/upstream/openai-client.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';
import { BulkCancelRunner, type BulkRunnerOptions } from './bulk-cancel-runner.ts';
import { CancelService } from './cancel-service.ts';
import { reconcileUnknownCancels } from './reconcile-unknown-cancels.ts';

export interface SharedDatabase {
  /** A new connection (a replica's own store) to the same database. */
  connect(): Promise<UploadStore>;
  /** Drops the database, after every connection is closed. */
  drop(): Promise<void>;
}

const KEY = 'sk-emulator-replicas-0123456789abcdef';
/** BULK_CONCURRENCY, for both replicas together. */
const CAP = 4;
/** Short, so a dead replica's items are taken over within the test. */
const LEASE_MS = 1_500;

/** Every cancel either replica sends upstream, as the upstream sees them. */
interface UpstreamCall {
  replica: string;
  uploadId: string;
  startedAt: number;
  /** 200, the error's status, or 0 when no answer came. */
  status: number | null;
  message: string | null;
}

class UpstreamWatch {
  inFlight = 0;
  peak = 0;
  readonly calls: UpstreamCall[] = [];

  /** The client, with every cancel counted (in flight at once, across both replicas). */
  watch(client: UpstreamClient, replica: string): UpstreamClient {
    return {
      ...client,
      cancelUpload: async (id) => {
        const call: UpstreamCall = { replica, uploadId: id, startedAt: Date.now(), status: null, message: null };
        this.calls.push(call);
        this.peak = Math.max(this.peak, ++this.inFlight);
        try {
          const answer = await client.cancelUpload(id);
          call.status = 200;
          return answer;
        } catch (error) {
          call.status = error instanceof UpstreamError ? error.status : 0;
          call.message = error instanceof UpstreamError ? error.envelope.error.message : String(error);
          throw error;
        } finally {
          this.inFlight--;
        }
      },
    };
  }

  of(uploadId: string): UpstreamCall[] {
    return this.calls.filter((call) => call.uploadId === uploadId);
  }
}

/** A store whose every call fails from `sever()` on: a replica that died (its process is gone). */
function severable(store: UploadStore): { store: UploadStore; sever(): void } {
  let severed = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (severed ? Promise.reject(new Error('this replica is gone')) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { store: proxy, sever: () => (severed = true) };
}

function capturingLog(lines: string[]): Logger {
  const keep = (message: string) => void lines.push(message);
  return { info: keep, warn: keep, error: keep };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function describeRunnerReplicas(name: string, makeDatabase: () => Promise<SharedDatabase>): void {
  describe(`two bulk runners on one ${name} database`, () => {
    let db: SharedDatabase;
    let emulator: RunningEmulator;
    let partsDir: string;
    let upstream: UpstreamWatch;
    let observer: UploadStore;
    const closers: (() => Promise<void>)[] = [];

    beforeEach(async () => {
      db = await makeDatabase();
      partsDir = mkdtempSync(join(tmpdir(), 'uc-replicas-'));
      emulator = await startEmulator({ apiKey: KEY, databasePath: ':memory:', partsDir });
      upstream = new UpstreamWatch();
      observer = await db.connect();
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
      await observer.close();
      await emulator.close();
      await db.drop();
      rmSync(partsDir, { recursive: true, force: true });
    });

    /** One replica: its own connection, upstream client, cancel service, feed and runner. */
    async function replica(name: string, options: Partial<BulkRunnerOptions> = {}) {
      const connection = await db.connect();
      const { store, sever } = severable(connection);
      const client = createUpstreamClient({ baseUrl: emulator.url, apiKey: KEY, timeoutMs: 5_000, project: `proj_${name}` });
      const feed = new ChangeFeed();
      const jobs: BulkCancelJob[] = [];
      feed.on('job', (job) => jobs.push(job));
      const log: string[] = [];
      const waits: number[] = [];
      const cancels = new CancelService({
        clock: systemClock,
        store,
        upstream: upstream.watch(client, name),
        feed,
        log: capturingLog(log),
        sleep: (ms) => {
          waits.push(ms);
          return sleep(ms);
        },
      });
      const runner = new BulkCancelRunner({ clock: systemClock, store, feed, log: capturingLog(log) }, cancels, {
        concurrency: CAP,
        owner: name,
        leaseMs: LEASE_MS,
        pollMs: 50,
        stopGraceMs: 5_000,
        retry: { attempts: 4, baseDelayMs: 50, maxWaitMs: 5_000 },
        ...options,
      });
      closers.push(async () => {
        await runner.stop();
        await client.close();
        await connection.close();
      });
      return { name, store, sever, runner, cancels, jobs, log, waits };
    }

    async function createUploads(n: number): Promise<string[]> {
      const client = createUpstreamClient({ baseUrl: emulator.url, apiKey: KEY, timeoutMs: 5_000 });
      try {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const { object } = await client.createUpload({ filename: `r-${i}.jsonl`, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' });
          await observer.recordUpload(object, { at: unixSeconds(systemClock), via: 'create' });
          ids.push(object.id);
        }
        return ids;
      } finally {
        await client.close();
      }
    }

    const done = (jobId: string, ms?: number) => until(`job ${jobId} to finish`, async () => {
      const job = await observer.getJob(jobId, true);
      return job?.state === 'done' ? job : null;
    }, ms);

    async function bulkAudit(jobId: string): Promise<AuditEntry[]> {
      return (await observer.listAudit({ source: 'bulk', limit: 1000 })).data.filter((entry) => entry.job_id === jobId);
    }

    /** Every item settled once, with one audit entry; every upload cancelled upstream by exactly one call. */
    async function expectEachCancelledOnce(job: BulkCancelJob, ids: readonly string[], { withinCap = true } = {}) {
      expect(job.progress).toMatchObject({ pending: 0, cancelled: ids.length });
      const audit = await bulkAudit(job.id);
      expect(audit.map((entry) => entry.upload_id).sort()).toEqual([...ids].sort());
      expect(audit.every((entry) => entry.outcome === 'cancelled')).toBe(true);
      for (const id of ids) expect(upstream.of(id).filter((call) => call.status === 200), id).toHaveLength(1);
      if (withinCap) expect(upstream.peak).toBeLessThanOrEqual(CAP);
    }

    it('share one job: each item settled once, each upload cancelled once, never more in flight than the cap', async () => {
      emulator.faults.add({ operation: 'cancel', delay_ms: 40, count: null });
      const a = await replica('a');
      const b = await replica('b');
      await Promise.all([a.runner.resume(), b.runner.resume()]);
      const ids = await createUploads(24);
      const started = await a.runner.start({ ids }, 'alice');
      const job = await done(started.id);
      await expectEachCancelledOnce(job, ids);
      // No upload was asked twice, and both replicas did part of the work.
      expect(upstream.calls).toHaveLength(24);
      expect(new Set(upstream.calls.map((call) => call.replica))).toEqual(new Set(['a', 'b']));
      expect(upstream.peak).toBeGreaterThan(1);
      expect(job.concurrency).toBeLessThanOrEqual(CAP);
      // Finished once, announced once, by the replica that finished it.
      await Promise.all([a.runner.idle(), b.runner.idle()]);
      expect([...a.jobs, ...b.jobs].filter((j) => j.id === job.id && j.state === 'done')).toHaveLength(1);
    });

    it('a replica that dies mid-job: the other takes its items over once their leases expire, and sends again only what had been sent', async () => {
      emulator.faults.add({ operation: 'cancel', delay_ms: 250, count: null });
      const a = await replica('a');
      const b = await replica('b');
      await a.runner.resume();
      const ids = await createUploads(16);
      const started = await a.runner.start({ ids }, 'alice');
      // A works alone until it has cancels in flight, then dies with them (its process is gone:
      // nothing it does reaches the database again, and it hands nothing back).
      await until('a to have cancels in flight', async () => upstream.inFlight >= 2 && upstream.calls.length >= 3);
      a.sever();
      const diedAt = Date.now();
      await b.runner.resume();
      const job = await done(started.id);
      await expectEachCancelledOnce(job, ids);
      // Sent twice: only cancels A had sent (and that landed) when it died. B's repeat read
      // "already cancelled", which after a possible landing confirms the cancel.
      const twice = ids.filter((id) => upstream.of(id).length > 1);
      for (const id of ids) {
        const calls = upstream.of(id).map((call) => `${call.replica}:${call.status}`);
        expect(twice.includes(id) ? [['a:200', 'b:400']] : [['a:200'], ['b:200']], id).toContainEqual(calls);
      }
      expect(twice.length).toBeGreaterThan(0);
      expect(twice.length).toBeLessThanOrEqual(CAP);
      const confirmed = (await bulkAudit(job.id)).filter((entry) => entry.message === 'Confirmed by a repeated cancel: the earlier one had landed');
      expect(confirmed.map((entry) => entry.upload_id).sort()).toEqual([...twice].sort());
      // B could not touch A's items before their leases ran out (A renewed them up to its death).
      const retaken = upstream.calls.filter((call) => call.replica === 'b' && twice.includes(call.uploadId));
      expect(Math.min(...retaken.map((call) => call.startedAt)) - diedAt).toBeGreaterThanOrEqual(LEASE_MS - 1_000);
      expect(b.log.some((line) => /took over \d+ item\(s\) a had claimed/.test(line))).toBe(true);
      expect(b.jobs.filter((j) => j.id === job.id && j.state === 'done')).toHaveLength(1);
    });

    it('a replica that stops hands its items back at once: the other carries on without waiting for the leases', async () => {
      emulator.faults.add({ operation: 'cancel', delay_ms: 150, count: null });
      // Leases far longer than the test: only a hand-back lets B carry on in time.
      const a = await replica('a', { leaseMs: 60_000 });
      const b = await replica('b', { leaseMs: 60_000 });
      await a.runner.resume();
      const ids = await createUploads(12);
      const started = await a.runner.start({ ids }, 'alice');
      await until('a to have cancelled some', async () => upstream.calls.filter((call) => call.status === 200).length >= 2);
      const sentByA = () => upstream.calls.filter((call) => call.replica === 'a').length;
      await a.runner.stop();
      // A let its calls in flight finish and record; it started none after stop().
      const afterStop = sentByA();
      expect(upstream.calls.filter((call) => call.status === null)).toEqual([]);
      const midway = (await observer.getJob(started.id, false))!;
      expect(midway.progress.pending).toBeGreaterThan(0);
      await b.runner.resume();
      const job = await done(started.id, 8_000);
      await expectEachCancelledOnce(job, ids);
      expect(upstream.calls).toHaveLength(12);
      expect(sentByA()).toBe(afterStop);
      expect(upstream.calls.filter((call) => call.replica === 'b').length).toBe(midway.progress.pending);
    });

    it('a replica whose calls outlast its stop hands them back as possibly sent: each is confirmed once, not counted twice', async () => {
      emulator.faults.add({ operation: 'cancel', delay_ms: 600, count: null });
      const a = await replica('a', { leaseMs: 60_000, stopGraceMs: 100 });
      const b = await replica('b', { leaseMs: 60_000 });
      await a.runner.resume();
      const ids = await createUploads(6);
      const started = await a.runner.start({ ids }, 'alice');
      await until('a to have cancels in flight', async () => upstream.inFlight >= CAP);
      const inFlight = upstream.calls.filter((call) => call.status === null).map((call) => call.uploadId);
      await a.runner.stop();
      await b.runner.resume();
      const job = await done(started.id);
      // A's calls still out when B sends its own are the one way past the cap: a stop that gives up
      // waiting hands their slots back with them.
      await expectEachCancelledOnce(job, ids, { withinCap: false });
      // The ones A left mid-call were sent again by B; whichever answer came second read "already
      // cancelled" and wrote nothing, or confirmed it: one audit entry either way.
      for (const id of ids) expect(upstream.of(id).length, id).toBe(inFlight.includes(id) ? 2 : 1);
    });

    it("a 429's retry-after holds the other replica's bulk work too", async () => {
      const a = await replica('a');
      await a.runner.resume();
      emulator.faults.add({ operation: 'cancel', status: 429, retry_after: 2, count: 1 });
      const [first] = await createUploads(1);
      await a.runner.start({ ids: [first!] }, 'alice');
      const pausedUntil = await until('the shared pause', async () => (await observer.upstreamPausedUntil()) || null);
      expect(pausedUntil - Date.now()).toBeGreaterThan(1_000);
      const b = await replica('b');
      await b.runner.resume();
      const ids = await createUploads(3);
      const job = await b.runner.start({ ids }, 'bob');
      await done(job.id);
      // Nobody called before the pause was over: not A (which was told), nor B (which never saw a 429).
      const [limited, ...rest] = upstream.calls;
      expect(limited).toMatchObject({ replica: 'a', status: 429 });
      expect(rest.map((call) => call.status)).toEqual([200, 200, 200, 200]);
      for (const call of rest) expect(call.startedAt).toBeGreaterThanOrEqual(pausedUntil - 50);
      expect(rest.some((call) => call.replica === 'b')).toBe(true);
      expect(Math.max(...b.waits)).toBeGreaterThan(500);
    });

    it('reconcile rounds on both replicas at once ask about each doubtful cancel once', async () => {
      emulator.faults.add({ operation: 'cancel', delay_ms: 60, count: null });
      const a = await replica('a');
      const b = await replica('b');
      const ids = await createUploads(8);
      // Each was cancelled upstream by a call whose answer never came back.
      const direct = createUpstreamClient({ baseUrl: emulator.url, apiKey: KEY, timeoutMs: 5_000 });
      for (const id of ids) await direct.cancelUpload(id);
      await direct.close();
      for (const id of ids) {
        await observer.recordCancelOutcome({
          entry: { at: unixSeconds(systemClock), actor: 'alice', source: 'dashboard', upload_id: id, reason: null, outcome: 'unknown', upstream_status: null, request_id: null, job_id: null, message: 'timed out' },
          change: { kind: 'mark_unknown' },
        });
      }
      const rounds = await Promise.all([
        reconcileUnknownCancels({ store: a.store, cancels: a.cancels, lease: { owner: 'a', leaseMs: LEASE_MS } }),
        reconcileUnknownCancels({ store: b.store, cancels: b.cancels, lease: { owner: 'b', leaseMs: LEASE_MS } }),
      ]);
      expect(rounds[0] + rounds[1]).toBe(8);
      expect(rounds.every((settled) => settled > 0)).toBe(true);
      for (const id of ids) {
        expect(upstream.of(id), id).toHaveLength(1);
        const entries = (await observer.listAudit({ upload_id: id, source: 'reconcile', limit: 10 })).data;
        expect(entries.map((entry) => entry.outcome), id).toEqual(['cancelled']);
      }
      expect(await observer.cancelsWithUnknownOutcome(50)).toEqual([]);
    });
  });
}
