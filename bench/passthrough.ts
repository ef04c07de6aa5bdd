// Pass-through cost: `POST /v1/uploads/{id}/cancel` at 50 concurrent connections against
// (a) the emulator directly, (b) Debian's nginx proxy_pass in front of it, and (c) our proxy
// (a real listening server with a SQLite file store, recording on), each in its own process while
// autocannon drives them from this one. Two calls: cancelling an unknown well-formed id (the
// emulator's 404, passed through verbatim: the cheapest repeatable call), and cancelling pending
// uploads seeded beforehand, each once (a real state change that our proxy records). The recorded
// cancels also run against (d) our proxy on a PostgreSQL store (a throw-away local cluster), in
// the same rounds, measured against (c); skipped when no PostgreSQL server is installed. The
// unknown-id cancels also run through (e) the Portkey AI gateway (a pinned version the bench
// installs into bench/.cache/portkey), the gateway an operator would pick instead of us; skipped,
// saying why, when it cannot be installed or started. Each process's CPU time over the runs,
// divided by the calls, gives the CPU microseconds one proxied call costs, apart from the shared cores.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { newUploadId } from '#server/emulator/ids.ts';
import { openEmulatorState } from '#server/emulator/state.ts';
import type { EmulatorChildConfig, EmulatorChildReady } from './emulator-child.ts';
import { cpuSeconds, startChild, type RunningChild } from './lib/child.ts';
import { CLIENT_TOKEN, EMULATOR_KEY } from './lib/console-app.ts';
import { load, type LoadResult } from './lib/load.ts';
import { nginxAvailable, startNginx, type RunningNginx } from './lib/nginx.ts';
import { startPortkey, type RunningPortkey } from './lib/portkey.ts';
import { postgresProblem, startBenchPostgres } from './lib/postgres.ts';
import { formatNumber, pairwiseRatios, roundOrder, summarize, type BenchOptions, type Row } from './lib/report.ts';
import type { ProxyChildConfig, ProxyChildReady } from './proxy-child.ts';

const CONNECTIONS = 50;
/** Our proxy's rate as a share of nginx's, by call. */
const TARGETS: Record<CallKey, number> = { unknown: 0.25, pending: 0.2 };
/** Our proxy's unknown-id cancels against the Portkey gateway's. */
const PORTKEY_TARGET = 2.5;
/** Recorded cancels on PostgreSQL, as a share of the same on SQLite. */
const POSTGRES_TARGET = 0.8;
const UNKNOWN_ID = `upload_${'0'.repeat(32)}`;

type SubjectKey = 'direct' | 'nginx' | 'proxy' | 'proxyPg' | 'portkey';
type CallKey = 'unknown' | 'pending';

interface Subject {
  key: SubjectKey;
  label: string;
  origin: string;
  token: string;
  headers?: Record<string, string>;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const sizes = options.quick
    ? { rounds: 1, seconds: 1, warmupSeconds: 0.5, cancelsPerRun: 300 }
    : { rounds: 3, seconds: 5, warmupSeconds: 1, cancelsPerRun: 15_000 };
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-passthrough-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    // Pending uploads to cancel: written straight into the emulator's state before it starts, so
    // tens of thousands cost seconds rather than as many HTTP creates. Each run gets its own.
    const runs = 4 * sizes.rounds;
    const perRun = sizes.cancelsPerRun + 2 * CONNECTIONS;
    const databasePath = join(dir, 'emulator.sqlite');
    const partsDir = join(dir, 'emulator-parts');
    options.log(`passthrough: seeding ${(runs * perRun).toLocaleString('en-US')} pending uploads into the emulator…`);
    const seedStarted = performance.now();
    const seeded = seedPendingUploads(databasePath, partsDir, runs * perRun);
    options.log(`passthrough: seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const emulator = await startChild<EmulatorChildReady>('emulator-child.ts', { apiKey: EMULATOR_KEY, databasePath, partsDir } satisfies EmulatorChildConfig);
    stops.push(emulator.stop);
    // The proxy on SQLite, and the same proxy on a PostgreSQL store, start side by side; the cluster's
    // processes are measured as one (the postmaster and its backends).
    let postgresSkipped = postgresProblem();
    const startPostgresProxy = async () => {
      const postgres = await startBenchPostgres();
      stops.push(postgres.stop);
      const databaseUrl = await postgres.createDatabase('bench_passthrough');
      const pid = Number(readFileSync(join(postgres.cluster.socketDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      const child = await startChild<ProxyChildReady>('proxy-child.ts', { upstreamUrl: emulator.ready.url, upstreamKey: EMULATOR_KEY, databaseUrl } satisfies ProxyChildConfig);
      stops.push(child.stop);
      return { child, pid };
    };
    const [sqliteStart, postgresStart] = await Promise.allSettled([
      startChild<ProxyChildReady>('proxy-child.ts', { upstreamUrl: emulator.ready.url, upstreamKey: EMULATOR_KEY, dataDir: join(dir, 'console') } satisfies ProxyChildConfig),
      postgresSkipped ? Promise.resolve(null) : startPostgresProxy(),
    ]);
    if (sqliteStart.status === 'fulfilled') stops.push(sqliteStart.value.stop);
    else throw sqliteStart.reason;
    const proxy: RunningChild<ProxyChildReady> = sqliteStart.value;
    const proxyPg: RunningChild<ProxyChildReady> | null = postgresStart.status === 'fulfilled' ? (postgresStart.value?.child ?? null) : null;
    const postgresPid = postgresStart.status === 'fulfilled' ? (postgresStart.value?.pid ?? null) : null;
    if (postgresStart.status === 'rejected') {
      const error: unknown = postgresStart.reason;
      postgresSkipped = `crashed: ${error instanceof Error ? error.message.split('\n')[0]!.slice(0, 120) : String(error)}`;
      options.log(`passthrough: PostgreSQL ${postgresSkipped}`);
    }
    let nginx: RunningNginx | null = null;
    let nginxProblem: string | null = null;
    if (!nginxAvailable()) nginxProblem = 'skipped: nginx not installed (/usr/sbin/nginx)';
    else {
      try {
        nginx = await startNginx({ dir: join(dir, 'nginx'), upstreamPort: emulator.ready.port });
        stops.push(nginx.stop);
      } catch (error) {
        nginxProblem = `skipped: nginx did not start (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
      }
    }
    let portkey: RunningPortkey | null = null;
    let portkeyProblem: string | null = null;
    let portkeyCreate: string | null = null;
    try {
      portkey = await startPortkey({ upstreamBaseUrl: emulator.ready.url, log: options.log });
      stops.push(portkey.stop);
      portkeyCreate = await probeCreate(portkey.origin, portkey.headers);
    } catch (error) {
      portkeyProblem = `skipped: the Portkey gateway could not be installed or started (${error instanceof Error ? error.message.split('\n')[0]!.slice(0, 100) : String(error)})`;
      options.log(`passthrough: ${portkeyProblem}`);
    }

    const subjects: Subject[] = [
      { key: 'direct', label: 'emulator direct', origin: emulator.ready.origin, token: EMULATOR_KEY },
      ...(nginx ? [{ key: 'nginx' as const, label: 'via nginx', origin: nginx.origin, token: EMULATOR_KEY }] : []),
      { key: 'proxy', label: 'via our proxy', origin: proxy.ready.origin, token: CLIENT_TOKEN },
    ];
    // Only the recorded cancels differ between the stores: a 404 is passed through without a write.
    const pendingSubjects: Subject[] = [...subjects, ...(proxyPg ? [{ key: 'proxyPg' as const, label: 'via our proxy on PostgreSQL', origin: proxyPg.ready.origin, token: CLIENT_TOKEN }] : [])];
    // The gateway is compared on the unknown-id cancel (it records nothing, so a recorded cancel means nothing to it).
    if (portkey) subjects.push({ key: 'portkey', label: 'via the Portkey gateway', origin: portkey.origin, token: EMULATOR_KEY, headers: portkey.headers });
    for (const subject of [...subjects, ...pendingSubjects.filter((s) => !subjects.includes(s))]) {
      await expectStatus(subject, `/v1/uploads/${UNKNOWN_ID}/cancel`, 404);
      await load({ origin: subject.origin, token: subject.token, headers: subject.headers, connections: CONNECTIONS, duration: sizes.warmupSeconds, path: `/v1/uploads/${UNKNOWN_ID}/cancel`, maxSeconds: 10 });
    }

    const results = new Map<string, LoadResult[]>();
    // CPU each process used during the runs, as a share of one core: who is saturated?
    const processes: { name: string; cpu: () => number }[] = [
      { name: 'load generator', cpu: () => { const { user, system } = process.cpuUsage(); return (user + system) / 1e6; } },
      { name: 'emulator', cpu: () => cpuSeconds(emulator.pid) },
      ...(nginx ? [{ name: 'nginx', cpu: () => cpuSeconds(nginx.pid) }] : []),
      { name: 'our proxy', cpu: () => cpuSeconds(proxy.pid) },
      ...(proxyPg ? [{ name: 'our proxy on PostgreSQL', cpu: () => cpuSeconds(proxyPg.pid) }] : []),
      ...(postgresPid ? [{ name: 'PostgreSQL', cpu: () => cpuSeconds(postgresPid) }] : []),
      ...(portkey ? [{ name: 'Portkey gateway', cpu: () => cpuSeconds(portkey.pid) }] : []),
    ];
    /** The process each subject is: its CPU per call is its own CPU time over the calls it answered. */
    const processOf: Partial<Record<SubjectKey, string>> = { direct: 'emulator', nginx: 'nginx', proxy: 'our proxy', proxyPg: 'our proxy on PostgreSQL', portkey: 'Portkey gateway' };
    const cpuPerCall = new Map<string, number[]>();
    const cpuShares = new Map<string, Map<string, number[]>>();
    const measured = async (call: CallKey, subject: SubjectKey, runLoad: () => Promise<LoadResult>) => {
      const before = processes.map((p) => p.cpu());
      const result = await runLoad();
      const after = processes.map((p) => p.cpu());
      const key = `${call}:${subject}`;
      results.set(key, [...(results.get(key) ?? []), result]);
      const shares = cpuShares.get(key) ?? new Map<string, number[]>();
      processes.forEach((p, i) => shares.set(p.name, [...(shares.get(p.name) ?? []), (after[i]! - before[i]!) / result.seconds]));
      cpuShares.set(key, shares);
      const own = processes.findIndex((p) => p.name === processOf[subject]);
      if (own >= 0 && result.responses > 0) cpuPerCall.set(key, [...(cpuPerCall.get(key) ?? []), ((after[own]! - before[own]!) * 1e6) / result.responses]);
    };
    // /proc counts CPU time in clock ticks (10 ms): a short run (--quick) can read 0 for nginx, and no ratio is taken against 0.
    const cpuRatio = (ours: number[], baseline: number[]) =>
      ours.length === baseline.length && baseline.every((value) => value > 0) ? summarize(pairwiseRatios(ours, baseline), '×') : null;
    const cpuShare = (call: CallKey, subject: SubjectKey, name: string) => summarize(cpuShares.get(`${call}:${subject}`)?.get(name) ?? [0], '').median;
    const cpuNote = (call: CallKey, subject: SubjectKey) =>
      [...(cpuShares.get(`${call}:${subject}`) ?? [])]
        .map(([name, shares]) => ({ name, share: summarize(shares, '').median }))
        .filter(({ share }) => share >= 0.05)
        .map(({ name, share }) => `${name} ${Math.round(share * 100)}%`)
        .join(', ');
    let nextSeed = 0;
    for (let round = 0; round < sizes.rounds; round++) {
      for (const subject of roundOrder(subjects, round)) {
        await measured('unknown', subject.key, () =>
          load({
            origin: subject.origin,
            token: subject.token,
            headers: subject.headers,
            connections: CONNECTIONS,
            duration: sizes.seconds,
            path: `/v1/uploads/${UNKNOWN_ID}/cancel`,
            maxSeconds: sizes.seconds + 10,
          }),
        );
        await sleep(200);
      }
      for (const subject of roundOrder(pendingSubjects, round)) {
        const ids = seeded.slice(nextSeed, nextSeed + perRun);
        nextSeed += perRun;
        let next = 0;
        await measured('pending', subject.key, () =>
          load({
            origin: subject.origin,
            token: subject.token,
            connections: CONNECTIONS,
            amount: sizes.cancelsPerRun,
            // The margin in `ids` covers requests autocannon prepares but never sends.
            path: () => `/v1/uploads/${ids[Math.min(next++, ids.length - 1)]}/cancel`,
            maxSeconds: 60,
          }),
        );
        await sleep(200);
      }
      options.log(`passthrough: round ${round + 1}/${sizes.rounds} done`);
    }

    const rows: Row[] = [];
    for (const call of ['unknown', 'pending'] as const) {
      const expected = call === 'unknown' ? '404' : '200';
      const title = call === 'unknown' ? 'Cancel unknown id → 404' : 'Cancel pending → 200, recorded';
      const get = (subject: SubjectKey) => results.get(`${call}:${subject}`);
      const rps = (subject: SubjectKey) => get(subject)!.map((r) => r.requestsPerSecond);
      const target = TARGETS[call];
      const figure = (subject: SubjectKey) => {
        const list = get(subject)!;
        const median = (pick: (r: LoadResult) => number) => summarize(list.map(pick), 'ms').median;
        return { value: summarize(rps(subject), 'req/s'), detail: `p50 ${formatNumber(median((r) => r.p50Ms))} ms, p99 ${formatNumber(median((r) => r.p99Ms))} ms` };
      };
      const oddities = (subject: SubjectKey) => {
        const list = get(subject)!;
        const unexpected = list.reduce((n, r) => n + Object.entries(r.statuses).reduce((m, [code, count]) => m + (code === expected ? 0 : count), 0), 0);
        const errors = list.reduce((n, r) => n + r.errors, 0);
        return unexpected || errors ? [`${subject}: ${unexpected} answers other than ${expected}, ${errors} connection errors or timeouts.`] : [];
      };
      const direct = figure('direct');
      rows.push({
        bench: 'passthrough',
        name: `${title}: emulator direct`,
        ours: direct,
        baseline: null,
        ratio: null,
        target: '—',
        met: null,
        notes: [
          ...(call === 'unknown'
            ? [
                `${CONNECTIONS} connections, one request in flight each (autocannon in the bench process); ` +
                  `${sizes.seconds} s per run, ${sizes.rounds} rounds, the subjects' order alternating. The emulator, nginx ` +
                  `(1 worker) and our proxy each run in their own process on the same ${availableParallelism()}-core machine as the load generator.`,
              ]
            : [`${sizes.cancelsPerRun.toLocaleString('en-US')} cancels per run, each of a different pending upload, so every one changes state upstream and our proxy records it.`]),
          // /proc counts CPU in 10 ms ticks: over sub-second runs (--quick) the shares would be noise.
          ...(summarize(get('direct')!.map((r) => r.seconds), 's').median >= 2
            ? [`CPU during these runs (share of one core): ${(call === 'pending' ? pendingSubjects : subjects).map((s) => `${s.label}: ${cpuNote(call, s.key)}`).join('; ')}.`]
            : []),
          ...oddities('direct'),
        ],
      });
      if (nginx) {
        const viaNginx = figure('nginx');
        const share = summarize(pairwiseRatios(rps('nginx'), rps('direct')), '×');
        rows.push({
          bench: 'passthrough',
          name: `${title}: via nginx`,
          ours: viaNginx,
          baseline: { label: 'emulator direct', value: direct.value },
          ratio: share,
          target: '—',
          met: null,
          notes: [
            ...(share.median > 0.8
              ? [
                  `nginx (${nginx.version}) reaches ${Math.round(share.median * 100)}% of the emulator's direct rate while using ` +
                    `${Math.round(cpuShare(call, 'nginx', 'nginx') * 100)}% of a core: the emulator, not nginx, sets nginx's figure, so the ratio to nginx flatters our proxy.`,
                ]
              : []),
            ...oddities('nginx'),
          ],
        });
      } else {
        rows.push({ bench: 'passthrough', name: `${title}: via nginx`, ours: null, baseline: null, ratio: null, target: '—', met: null, status: nginxProblem ?? 'skipped' });
      }
      const baselineKey: SubjectKey = nginx ? 'nginx' : 'direct';
      const ratio = summarize(pairwiseRatios(rps('proxy'), rps(baselineKey)), '×');
      rows.push({
        bench: 'passthrough',
        name: `${title}: via our proxy`,
        ours: figure('proxy'),
        baseline: { label: nginx ? 'nginx' : 'emulator direct', value: figure(baselineKey).value },
        ratio,
        target: `≥ ${target}× nginx`,
        met: nginx ? ratio.median >= target : null,
        ...(nginx ? {} : { status: 'not judged (no nginx)' }),
        notes: [
          ...(call === 'pending' ? ['Each 200 is answered only after its Upload object and audit entry are committed to the store.'] : []),
          ...oddities('proxy'),
        ],
      });
      if (call === 'unknown') {
        const portkeyName = `${title}: our proxy against the Portkey gateway`;
        const portkeyTarget = `≥ ${PORTKEY_TARGET}× Portkey`;
        if (portkey) {
          const versus = summarize(pairwiseRatios(rps('proxy'), rps('portkey')), '×');
          rows.push({
            bench: 'passthrough',
            name: portkeyName,
            ours: figure('proxy'),
            baseline: { label: 'Portkey', ...figure('portkey') },
            ratio: versus,
            target: portkeyTarget,
            met: versus.median >= PORTKEY_TARGET,
            notes: [
              `@portkey-ai/gateway ${portkey.version} (its Node build, --headless), installed by the bench into bench/.cache/portkey, ` +
                `forwarding to the emulator with x-portkey-provider: openai and x-portkey-custom-host; same connections, runs and rounds as the rows above. ` +
                `${portkeyCreate ? `Through it, POST /v1/uploads answered ${portkeyCreate}.` : ''}`,
              ...oddities('portkey'),
            ],
          });
        } else {
          rows.push({ bench: 'passthrough', name: portkeyName, ours: null, baseline: null, ratio: null, target: portkeyTarget, met: null, status: portkeyProblem ?? 'skipped' });
        }
      }
      // CPU time per call: the cost of passing a call through, whatever the other processes on the cores do.
      const micros = (subject: SubjectKey) => {
        const values = cpuPerCall.get(`${call}:${subject}`);
        return values?.length ? summarize(values, 'µs') : null;
      };
      const ourMicros = micros('proxy');
      const nginxMicros = nginx ? micros('nginx') : null;
      const portkeyMicros = call === 'unknown' && portkey ? micros('portkey') : null;
      if (ourMicros) {
        rows.push({
          bench: 'passthrough',
          name: `${title}: CPU per proxied call, our proxy`,
          ours: { value: ourMicros, ...(portkeyMicros ? { detail: `Portkey ${Math.round(portkeyMicros.median)} µs` } : {}) },
          baseline: nginxMicros ? { label: 'nginx', value: nginxMicros } : null,
          ratio: nginxMicros ? cpuRatio(cpuPerCall.get(`${call}:proxy`)!, cpuPerCall.get(`${call}:nginx`)!) : null,
          target: '—',
          met: null,
          notes: call !== 'unknown' ? [] : [
            'CPU time (user + system, from /proc, the process and its children) each process used over its runs, divided by the calls it answered; ' +
              'it does not depend on what else shares the cores. nginx: master and worker.',
          ],
        });
      }
    }
    const pgName = 'Cancel pending → 200, recorded: via our proxy on PostgreSQL';
    const pgTarget = `≥ ${POSTGRES_TARGET}× SQLite`;
    if (proxyPg) {
      const ratio = summarize(
        pairwiseRatios(
          results.get('pending:proxyPg')!.map((r) => r.requestsPerSecond),
          results.get('pending:proxy')!.map((r) => r.requestsPerSecond),
        ),
        '×',
      );
      const list = results.get('pending:proxyPg')!;
      const median = (pick: (r: LoadResult) => number) => summarize(list.map(pick), 'ms').median;
      const unexpected = list.reduce((n, r) => n + Object.entries(r.statuses).reduce((m, [code, count]) => m + (code === '200' ? 0 : count), 0), 0);
      const errors = list.reduce((n, r) => n + r.errors, 0);
      rows.push({
        bench: 'passthrough',
        name: pgName,
        ours: { value: summarize(list.map((r) => r.requestsPerSecond), 'req/s'), detail: `p50 ${formatNumber(median((r) => r.p50Ms))} ms, p99 ${formatNumber(median((r) => r.p99Ms))} ms` },
        baseline: { label: 'our proxy on SQLite', value: summarize(results.get('pending:proxy')!.map((r) => r.requestsPerSecond), 'req/s') },
        ratio,
        target: pgTarget,
        met: ratio.median >= POSTGRES_TARGET,
        notes: [
          `The proxy child of the row above with a PostgreSQL store (a throw-away local cluster on 127.0.0.1, the store's own pool), in the same rounds; ` +
            `the PostgreSQL server runs on the same cores.${unexpected || errors ? ` ${unexpected} answers other than 200, ${errors} connection errors or timeouts.` : ''}`,
        ],
      });
    } else {
      rows.push({ bench: 'passthrough', name: pgName, ours: null, baseline: null, ratio: null, target: pgTarget, met: null, status: postgresSkipped ?? 'skipped' });
    }
    return rows;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function seedPendingUploads(databasePath: string, partsDir: string, count: number): string[] {
  const state = openEmulatorState({ databasePath, partsDir });
  try {
    const now = Math.floor(Date.now() / 1000);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const upload = state.insertUpload({
        id: newUploadId(now),
        bytes: 1024,
        createdAt: now,
        expiresAt: now + 3600,
        filename: `bench-${i}.jsonl`,
        purpose: 'batch',
        mimeType: 'application/jsonl',
        fileExpiresAfterSeconds: null,
      });
      ids.push(upload.id);
    }
    return ids;
  } finally {
    state.close();
  }
}

/** What the gateway answers to an Uploads create (the issue saw a 500). */
async function probeCreate(origin: string, headers: Record<string, string>): Promise<string> {
  const response = await request(`${origin}/v1/uploads`, {
    method: 'POST',
    headers: { ...headers, authorization: `Bearer ${EMULATOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'probe.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }),
  });
  const text = await response.body.text();
  return `${response.statusCode}${response.statusCode >= 300 ? ` (${text.slice(0, 80)})` : ''}`;
}

async function expectStatus(subject: Subject, path: string, status: number): Promise<void> {
  const response = await request(`${subject.origin}${path}`, { method: 'POST', headers: { ...subject.headers, authorization: `Bearer ${subject.token}` } });
  const body = await response.body.text();
  if (response.statusCode !== status) throw new Error(`${subject.label}: POST ${path} answered ${response.statusCode}, expected ${status}: ${body.slice(0, 200)}`);
}
