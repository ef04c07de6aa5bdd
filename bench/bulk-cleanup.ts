// Bulk cleanup: an operator cancels 1,000 stuck uploads at once. The real server (server/index.ts)
// runs in a child process with its embedded emulator as the upstream, slowed to a realistic
// 150 ms per cancel (the emulator's delay fault); the uploads are created through the /v1
// pass-through with a client token, become stuck after 3 s (STUCK_AFTER_MINUTES=0.05), and are
// cancelled by one bulk job (`POST /api/bulk-cancels {filter: {stuck: "true"}}`), polled until done.
// The yardstick is the ideal: every call back to back on each of the job's lanes,
// uploads × 150 ms / BULK_CONCURRENCY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditList, BulkCancelJob, BulkCancelPreview, UploadFilter } from '#contract/dashboard-api.ts';
import { cpuSeconds } from './lib/child.ts';
import { callJson, createUploads, injectFault, startConsoleServer, type RunningConsoleServer } from './lib/console-server.ts';
import { summarize, type BenchOptions, type Row } from './lib/report.ts';

const UPSTREAM_DELAY_MS = 150;
const TARGET = 1.5;
const STUCK_AFTER_MINUTES = 0.05;
/** Creates in flight at once while the uploads are made. */
const POLL_MS = 100;
/** The filter takes the list's query-string values: `stuck` is the string "true", as in ?stuck=true. */
const STUCK_FILTER = { stuck: 'true' } satisfies UploadFilter;

interface Outcome {
  uploads: number;
  concurrency: number;
  wallMs: number;
  job: BulkCancelJob;
  upstreamCalls: number;
  auditEntries: number;
  /** Created uploads the job did not take. */
  missing: number;
  serverCpuSeconds: number;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const sizes = options.quick ? { uploads: 40, concurrencies: [8] } : { uploads: 1_000, concurrencies: [8, 16] };
  const rows: Row[] = [];
  for (const concurrency of sizes.concurrencies) {
    const outcome = await cleanUp(sizes.uploads, concurrency, options);
    rows.push(rowFor(outcome, rows.length === 0));
  }
  return rows;
}

async function cleanUp(uploads: number, concurrency: number, options: BenchOptions): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-bulk-'));
  let server: RunningConsoleServer | null = null;
  try {
    server = await startConsoleServer({
      dir,
      env: { STUCK_AFTER_MINUTES: String(STUCK_AFTER_MINUTES), BULK_CONCURRENCY: String(concurrency) },
    });
    options.log(`bulk: creating ${uploads.toLocaleString('en-US')} uploads through /v1 (BULK_CONCURRENCY=${concurrency})…`);
    const ids = await createUploads(server, uploads, 'stuck');

    // Nothing arrives for them, so after STUCK_AFTER_MINUTES they are stuck.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const preview = await callJson<BulkCancelPreview>(server, '/api/bulk-cancels/preview', { method: 'POST', body: { filter: STUCK_FILTER } });
      if (preview.cancellable === uploads) break;
      if (Date.now() > deadline) throw new Error(`after 30 s, ${preview.cancellable} of ${uploads} uploads count as stuck`);
      await sleep(500);
    }

    await injectFault(server, { operation: 'cancel', delay_ms: UPSTREAM_DELAY_MS, count: null });
    options.log(`bulk: cancelling them in one bulk job (${UPSTREAM_DELAY_MS} ms per upstream cancel)…`);
    const cpuBefore = cpuSeconds(server.pid);
    const started = performance.now();
    const created = await callJson<BulkCancelJob>(server, '/api/bulk-cancels', {
      method: 'POST',
      body: { filter: STUCK_FILTER, reason: 'bench: bulk cleanup' },
      expect: [202],
    });
    if (created.total !== uploads) throw new Error(`the bulk job took ${created.total} uploads, not ${uploads}`);
    let job = created;
    const jobDeadline = performance.now() + Math.max(60_000, 5 * ((uploads * UPSTREAM_DELAY_MS) / concurrency));
    while (job.state !== 'done') {
      if (performance.now() > jobDeadline) throw new Error(`the bulk job was not done in time: ${JSON.stringify(job.progress)}`);
      await sleep(POLL_MS);
      job = await callJson<BulkCancelJob>(server, `/api/bulk-cancels/${created.id}`);
    }
    const wallMs = performance.now() - started;
    const serverCpuSeconds = cpuSeconds(server.pid) - cpuBefore;

    const items = job.items ?? [];
    const upstreamCalls = items.filter((item) => item.upstream_status !== null).length;
    const auditEntries = await countAudit(server, created.id);
    // The job lists every item when it has at most 1,000 cancelled ones: then each created upload must be among them.
    const listed = new Set(items.map((item) => item.upload_id));
    const missing = items.length === job.total ? ids.filter((id) => !listed.has(id)).length : 0;
    options.log(`bulk: done in ${(wallMs / 1000).toFixed(1)} s: ${JSON.stringify(job.progress)}`);
    return { uploads, concurrency, wallMs, job, upstreamCalls, auditEntries, missing, serverCpuSeconds };
  } finally {
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Audit entries written for this job (source `bulk`, read page by page). */
async function countAudit(server: RunningConsoleServer, jobId: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query: string = `/api/audit?source=bulk&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: AuditList = await callJson<AuditList>(server, query);
    count += page.data.filter((entry) => entry.job_id === jobId).length;
    cursor = page.next_cursor;
  } while (cursor);
  return count;
}

function rowFor(outcome: Outcome, first: boolean): Row {
  const { uploads, concurrency, wallMs, job, upstreamCalls, auditEntries, missing } = outcome;
  const idealMs = (uploads * UPSTREAM_DELAY_MS) / concurrency;
  const ratio = wallMs / idealMs;
  const problems = [
    ...(job.progress.cancelled === uploads ? [] : [`${job.progress.cancelled} of ${uploads} cancelled (${JSON.stringify(job.progress)})`]),
    ...(upstreamCalls === uploads ? [] : [`${upstreamCalls} items with an upstream status, not ${uploads}`]),
    ...(auditEntries === upstreamCalls ? [] : [`${auditEntries} audit entries for the job, not ${upstreamCalls}`]),
    ...(missing === 0 ? [] : [`${missing} created uploads are not among the job's items`]),
  ];
  return {
    bench: 'bulk',
    name: `Bulk cancel ${uploads.toLocaleString('en-US')} stuck uploads (BULK_CONCURRENCY=${concurrency})`,
    ours: {
      value: summarize([wallMs / 1000], 's'),
      detail: `${upstreamCalls.toLocaleString('en-US')} upstream calls (audit: ${auditEntries.toLocaleString('en-US')}), at most ${job.concurrency} in flight, server CPU ${outcome.serverCpuSeconds.toFixed(1)} s`,
    },
    baseline: { label: `ideal ${uploads.toLocaleString('en-US')} × ${UPSTREAM_DELAY_MS} ms / ${concurrency}`, value: summarize([idealMs / 1000], 's') },
    ratio: summarize([ratio], '×'),
    target: `≤ ${TARGET}× ideal`,
    met: problems.length === 0 && ratio <= TARGET,
    notes: [
      ...(first
        ? [
            `The real server in a child process (STUCK_AFTER_MINUTES=${STUCK_AFTER_MINUTES}), its embedded emulator answering every cancel after ` +
              `${UPSTREAM_DELAY_MS} ms (fault {operation: 'cancel', delay_ms: ${UPSTREAM_DELAY_MS}, count: null}). Uploads created through /v1 with a ` +
              `client token; one job, POST /api/bulk-cancels {filter: {stuck: "true"}}, timed from that request to the poll (every ${POLL_MS} ms) that ` +
              `saw it done. Upstream calls = the job's items with an upstream status, cross-checked with the audit entries carrying the job's id.`,
          ]
        : []),
      ...(problems.length ? [`Problems: ${problems.join('; ')}.`] : []),
    ],
  };
}
