// Several replicas on one PostgreSQL, behind nginx, as in production: a throw-away cluster, the
// emulator in a process of its own (the upstream, each cancel slowed down), two real servers
// (`server/index.ts`) on the same DATABASE_URL, and Debian's nginx balancing between them. SDK
// traffic goes through nginx; a bulk cancel of 300 pending uploads starts through nginx's dashboard
// API; the replica sending its cancels is SIGKILLed mid-job. The other replica must finish the job
// on its own, every upload cancelled upstream exactly once, never more cancels in flight upstream
// than BULK_CONCURRENCY, one audit entry per item, every recorded upload listed once, and the
// surviving replica's live stream must have shown the changes the other one made.
//
// beforeAll plays the whole scenario and keeps the evidence; each test below checks one guarantee.
// Needs PostgreSQL and nginx (`apt-get install -y postgresql nginx`): without them it skips, in one
// line, unless UC_REQUIRE_PG=1 (CI), where it fails.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { toFile } from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, CSRF_VALUE } from '#contract/constants.ts';
import { auditListSchema, bulkCancelJobSchema, uploadListSchema, type AuditEntry, type BulkCancelJob } from '#contract/dashboard-api.ts';
import { startCluster, type PostgresCluster } from '#server/test-support/postgres-cluster.ts';
import { freePort } from '#server/test-support/server-process.ts';
import { openLiveEvents, type LiveEvents } from '#server/test-support/replicas/live-events.ts';
import {
  missingForReplicas,
  spawnReplica,
  startEmulatorProcess,
  startNginx,
  type EmulatorCancelStats,
  type EmulatorProcess,
  type NginxProcess,
  type ReplicaProcess,
} from '#server/test-support/replicas/processes.ts';

const ADMIN = 'replicas-admin-token-0123456789';
const OPERATOR = 'replicas-operator-token-0123456789';
const CLIENT = 'replicas-client-token-0123456789';
const EMULATOR_KEY = 'sk-emulator-replicas-0123456789';
const BULK_CONCURRENCY = 4;
const LEASE_SECONDS = 3;
const TARGETS = 300;
/** Each upstream cancel takes this long, so the job runs for seconds and can be cut in the middle. */
const CANCEL_DELAY_MS = 100;
/** The replica working the job is killed once this share of the items is cancelled upstream. */
const KILL_AT = 0.3;
/** From the kill to the job's end: the dead replica's leases expire, then the rest is worked through. */
const FINISH_WITHIN_MS = (LEASE_SECONDS + 25) * 1000;

const { problem, required } = missingForReplicas();
if (problem && !required) console.warn(`Multi-replica test skipped: ${problem} (UC_REQUIRE_PG=1 makes this an error)`);

interface Evidence {
  job: BulkCancelJob;
  final: BulkCancelJob;
  targets: string[];
  /** Uploads created or changed by the SDK before the job (through nginx), completed ones included. */
  setup: string[];
  /** Uploads created straight through each replica (not through nginx), by replica name. */
  direct: Record<string, string[]>;
  /** Uploads the SDK was told about while the job ran and the replica died. */
  acknowledged: string[];
  victim: ReplicaProcess;
  survivor: ReplicaProcess;
  project: Record<string, string>;
  statsAtKill: EmulatorCancelStats;
  stats: EmulatorCancelStats;
  killToDoneMs: number;
  audit: AuditEntry[];
  listed: string[];
  listedCounts: number;
  survivorLive: LiveEvents;
  nginxLog: string;
}

describe.skipIf(problem !== null && !required)('two replicas behind nginx on one PostgreSQL', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const replicas: ReplicaProcess[] = [];
  let evidence: Evidence;
  let cluster: PostgresCluster | undefined;

  beforeAll(async () => {
    if (problem) throw new Error(`UC_REQUIRE_PG=1 but ${problem}`);
    const t0 = Date.now();
    const marks: string[] = [];
    const mark = (what: string) => marks.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const dir = mkdtempSync(join(tmpdir(), 'uc-replicas-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    cluster = await startCluster();
    cleanups.push(() => cluster!.stop());
    const admin = new pg.Client(cluster.url());
    await admin.connect();
    await admin.query('CREATE DATABASE uploads_console');
    await admin.end();

    mkdirSync(join(dir, 'emulator'));
    const emulator: EmulatorProcess = await startEmulatorProcess({ dir: join(dir, 'emulator'), apiKey: EMULATOR_KEY });
    cleanups.push(() => emulator.stop());

    // Both at once: they migrate the empty database together.
    const project: Record<string, string> = { a: 'proj_replica_a', b: 'proj_replica_b' };
    const started = await Promise.all(
      ['a', 'b'].map(async (name) =>
        spawnReplica(name, await freePort(), {
          DATABASE_URL: cluster!.url('uploads_console'),
          DATABASE_PATH: join(dir, `replica-${name}`, 'not-used.sqlite'),
          OPENAI_API_KEY: EMULATOR_KEY,
          OPENAI_BASE_URL: emulator.url,
          // Sent upstream as `openai-project` on every call: how the emulator tells the replicas apart.
          OPENAI_PROJECT_ID: project[name]!,
          ADMIN_TOKEN: ADMIN,
          OPERATORS: `ops:${OPERATOR}`,
          CLIENT_TOKENS: `sdk:${CLIENT}`,
          TRUST_PROXY: 'loopback',
          BULK_CONCURRENCY: String(BULK_CONCURRENCY),
          BULK_LEASE_SECONDS: String(LEASE_SECONDS),
          REPLICA_ID: `replica-${name}`,
          UPSTREAM_TIMEOUT_MS: '5000',
          DEMO_DATA: 'false',
        }),
      ),
    );
    replicas.push(...started);
    for (const replica of started) cleanups.push(() => replica.stop());
    await Promise.all(started.map((replica) => replica.ready()));
    mark('replicas ready');

    const nginx: NginxProcess = await startNginx({ dir: join(dir, 'nginx'), replicas: started.map((r) => `127.0.0.1:${r.port}`) });
    cleanups.push(() => nginx.stop());

    // A dashboard open on each replica, straight to it (not through nginx).
    const live = Object.fromEntries(started.map((r) => [r.name, openLiveEvents(r.origin, ADMIN)]));
    cleanups.push(() => Object.values(live).forEach((l) => l.close()));
    await Promise.all(Object.values(live).map((l) => l.opened));

    // SDK traffic through nginx: the uploads to cancel, a few with a part, a few more completed.
    const sdk = new OpenAI({ apiKey: CLIENT, baseURL: `${nginx.origin}/v1`, maxRetries: 0 });
    const createUpload = (client: OpenAI, filename: string) => client.uploads.create({ filename, purpose: 'batch', bytes: 4, mime_type: 'application/jsonl' });
    const targets = await inParallel(TARGETS, 8, async (i) => {
      const upload = await createUpload(sdk, `replicas-${i}.jsonl`);
      if (i % 10 === 0) await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('abcd'), 'part') });
      return upload.id;
    });
    const completed = await inParallel(10, 4, async (i) => {
      const upload = await createUpload(sdk, `done-${i}.jsonl`);
      const part = await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('abcd'), 'part') });
      await sdk.uploads.complete(upload.id, { part_ids: [part.id] });
      return upload.id;
    });
    const leftPending = await inParallel(10, 4, async (i) => (await createUpload(sdk, `left-${i}.jsonl`)).id);
    const direct: Record<string, string[]> = {};
    for (const replica of started) {
      const straight = new OpenAI({ apiKey: CLIENT, baseURL: `${replica.origin}/v1`, maxRetries: 0 });
      direct[replica.name] = await inParallel(5, 5, async (i) => (await createUpload(straight, `direct-${replica.name}-${i}.jsonl`)).id);
    }

    mark('SDK traffic done');
    // The bulk cancel, through nginx's dashboard API, with every cancel slowed down upstream.
    await emulator.resetStats();
    await emulator.fault({ operation: 'cancel', delay_ms: CANCEL_DELAY_MS, count: null });
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${nginx.origin}${path}`, { ...init, headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json', [CSRF_HEADER]: CSRF_VALUE, ...(init.headers as Record<string, string>) } });
    const json = async (path: string, init?: RequestInit) => {
      const response = await api(path, init);
      const text = await response.text();
      if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} through nginx answered ${response.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as unknown;
    };
    const job = bulkCancelJobSchema.parse(await json('/api/bulk-cancels', { method: 'POST', body: JSON.stringify({ ids: targets, reason: 'replicas test' }) }));

    // SDK traffic keeps going through nginx while the job runs and a replica dies.
    const acknowledged: string[] = [];
    let traffic = true;
    const retrying = new OpenAI({ apiKey: CLIENT, baseURL: `${nginx.origin}/v1`, maxRetries: 3 });
    const trafficDone = (async () => {
      for (let i = 0; traffic; i++) {
        try {
          const upload = await createUpload(retrying, `during-${i}.jsonl`);
          acknowledged.push(upload.id);
          await retrying.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('abcd'), 'part') });
        } catch {
          // A request cut off by the kill: the client was told nothing, so nothing is owed.
        }
      }
    })();

    // Whoever is sending the job's cancels right now is the one to kill.
    let before = await emulator.cancelStats();
    let statsAtKill: EmulatorCancelStats | undefined;
    let victim: ReplicaProcess | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      await sleep(50);
      const now = await emulator.cancelStats();
      if (now.succeeded >= TARGETS * KILL_AT) {
        const recent = (name: string) => (now.by_project[project[name]!]?.calls ?? 0) - (before.by_project[project[name]!]?.calls ?? 0);
        const total = (name: string) => now.by_project[project[name]!]?.calls ?? 0;
        [victim] = [...started].sort((x, y) => recent(y.name) - recent(x.name) || total(y.name) - total(x.name));
        victim!.child.kill('SIGKILL');
        await victim!.exited;
        statsAtKill = now;
        break;
      }
      before = now;
    }
    if (!victim || !statsAtKill) throw new Error(`the job never reached ${KILL_AT * 100}% upstream: ${JSON.stringify(await emulator.cancelStats().then((s) => ({ ...s, by_upload: undefined })))}`);
    const killedAt = Date.now();
    mark(`replica ${victim.name} killed`);
    live[victim.name]!.close();
    const survivor = started.find((r) => r !== victim)!;

    let final = job;
    while (final.state !== 'done' && Date.now() - killedAt < FINISH_WITHIN_MS) {
      await sleep(200);
      final = bulkCancelJobSchema.parse(await json(`/api/bulk-cancels/${job.id}`));
    }
    const killToDoneMs = Date.now() - killedAt;
    mark(`job ${final.state}`);
    traffic = false;
    await trafficDone;

    // Live updates are asynchronous: give the survivor's stream a moment to catch up.
    const survivorLive = live[survivor.name]!;
    const expectLive = new Set([...targets, ...direct[victim.name]!]);
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
      const seen = new Set(survivorLive.uploads().map((e) => e.upload.id));
      if ([...expectLive].every((id) => seen.has(id))) break;
      await sleep(100);
    }

    const audit: AuditEntry[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = auditListSchema.parse(await json(`/api/audit?source=bulk&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      audit.push(...page.data);
      cursor = page.next_cursor;
    }
    // Paged through nginx: consecutive pages may come from different replicas.
    const listed: string[] = [];
    let listedCounts = 0;
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = uploadListSchema.parse(await json(`/api/uploads?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      listed.push(...page.data.map((r) => r.upload.id));
      listedCounts = page.counts.pending + page.counts.completed + page.counts.cancelled + page.counts.expired;
      cursor = page.next_cursor;
    }

    mark('evidence read');
    const stats = await emulator.cancelStats();
    console.info(
      `replicas: killed ${victim.name} at ${statsAtKill.succeeded}/${TARGETS} cancelled upstream; ${survivor.name} ended the job ${(killToDoneMs / 1000).toFixed(1)} s later; ` +
        `${stats.calls} cancel calls, at most ${stats.peak_in_flight} in flight; ${acknowledged.length} uploads created meanwhile. ${marks.join(', ')}`,
    );
    evidence = {
      job,
      final,
      targets,
      setup: [...targets, ...completed, ...leftPending],
      direct,
      acknowledged,
      victim,
      survivor,
      project,
      statsAtKill,
      stats,
      killToDoneMs,
      audit: audit.filter((e) => e.job_id === job.id),
      listed,
      listedCounts,
      survivorLive,
      nginxLog: nginx.accessLog(),
    };
  }, 240_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.warn('multi-replica test cleanup:', error);
      }
    }
  }, 60_000);

  /** What the replicas printed, for a failure message. */
  const logs = () => replicas.map((r) => `--- replica ${r.name} ---\n${r.output().slice(-3000)}`).join('\n') + (cluster ? `\n--- postgres ---\n${cluster.logTail(15)}` : '');

  it('nginx spread the traffic over both replicas', () => {
    for (const replica of [evidence.victim, evidence.survivor]) expect(evidence.nginxLog).toContain(`upstream=127.0.0.1:${replica.port}`);
  });

  it('the surviving replica finishes the job the killed one was working on, without a restart', () => {
    const { final, statsAtKill, stats, survivor } = evidence;
    expect(statsAtKill.succeeded, 'cancelled upstream when the replica was killed').toBeLessThan(TARGETS);
    expect(final.state, `job after ${evidence.killToDoneMs} ms: ${JSON.stringify(final.progress)}\n${logs()}`).toBe('done');
    expect(final.total).toBe(TARGETS);
    expect(final.progress).toMatchObject({ pending: 0, cancelled: TARGETS });
    const survivorCalls = (s: EmulatorCancelStats) => s.by_project[evidence.project[survivor.name]!]?.calls ?? 0;
    expect(survivorCalls(stats) - survivorCalls(statsAtKill), 'cancels the survivor sent after the kill').toBeGreaterThan(0);
    expect(evidence.killToDoneMs).toBeLessThanOrEqual(FINISH_WITHIN_MS);
  });

  it('cancels every upload upstream exactly once, and no upload outside the job', () => {
    const { stats, targets } = evidence;
    const notOnce = targets.filter((id) => stats.by_upload[id]?.succeeded !== 1).map((id) => `${id}: ${JSON.stringify(stats.by_upload[id] ?? 'never called')}`);
    expect(notOnce.length, `uploads not cancelled exactly once upstream, e.g.\n${sample(notOnce)}`).toBe(0);
    expect(Object.keys(stats.by_upload).filter((id) => !targets.includes(id))).toEqual([]);
    // A call the killed replica had in flight may be sent again by the survivor (and answered "already cancelled").
    expect(stats.calls).toBeLessThanOrEqual(TARGETS + BULK_CONCURRENCY);
  });

  it('never has more cancels in flight upstream than BULK_CONCURRENCY, across both replicas', () => {
    expect(evidence.stats.peak_in_flight).toBeLessThanOrEqual(BULK_CONCURRENCY);
    expect(evidence.stats.peak_in_flight).toBeGreaterThan(1);
  });

  it('writes one audit entry per item', () => {
    const { audit, targets } = evidence;
    const entries = new Map<string, number>();
    for (const entry of audit) entries.set(entry.upload_id, (entries.get(entry.upload_id) ?? 0) + 1);
    const notOne = targets.filter((id) => entries.get(id) !== 1).map((id) => `${id}: ${entries.get(id) ?? 0} entries`);
    expect(notOne.length, `items without exactly one audit entry, e.g.\n${sample(notOne)}`).toBe(0);
    expect(audit.length).toBe(targets.length);
    expect(new Set(audit.map((e) => e.outcome))).toEqual(new Set(['cancelled']));
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set(['ops']));
  });

  it('lists every recorded upload exactly once, paging through nginx', () => {
    const { listed, listedCounts, setup, direct, acknowledged } = evidence;
    expect(listed.length - new Set(listed).size, 'uploads listed twice').toBe(0);
    expect(listed.length).toBe(listedCounts);
    const recorded = new Set(listed);
    const missing = [...setup, ...Object.values(direct).flat(), ...acknowledged].filter((id) => !recorded.has(id));
    expect(missing).toEqual([]);
    expect(acknowledged.length, 'uploads created while the job ran').toBeGreaterThan(0);
  });

  it("shows the other replica's changes live on the surviving replica's dashboards", () => {
    const { survivorLive, direct, victim, targets, stats, project } = evidence;
    expect(survivorLive.ended(), 'the survivor ended its event stream').toBe(false);
    const events = survivorLive.uploads();
    const seen = new Set(events.map((e) => e.upload.id));
    // Created through the killed replica only: the survivor can have heard of them only through PostgreSQL.
    expect(direct[victim.name]!.filter((id) => !seen.has(id)), 'created through the other replica, not seen live').toEqual([]);
    expect(events.length, 'upload events on the survivor').toBeGreaterThan(0);
    const cancelledLive = new Set(events.filter((e) => e.status === 'cancelled').map((e) => e.upload.id));
    const byVictim = targets.filter((id) => stats.by_upload[id]?.succeeded_by === project[victim.name]);
    expect(byVictim.length, 'items the killed replica cancelled').toBeGreaterThan(0);
    expect(byVictim.filter((id) => !cancelledLive.has(id)), 'cancelled by the killed replica, not seen cancelled live').toEqual([]);
    const notSeen = targets.filter((id) => !cancelledLive.has(id));
    expect(notSeen.length, `items never seen cancelled live, e.g.\n${sample(notSeen)}`).toBe(0);
  });
});

/** The first few lines of a long list, for a failure message. */
function sample(lines: string[], count = 8): string {
  return lines.length > count ? `${lines.slice(0, count).join('\n')}\n… and ${lines.length - count} more` : lines.join('\n');
}

/** `count` calls of `work(i)`, at most `limit` at a time; results in index order. */
async function inParallel<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}
