import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, bulkCancelJobSchema, uploadRecordSchema, type BulkCancelJob } from '#contract/dashboard-api.ts';
import { errorEnvelopeSchema, uploadSchema, type Upload } from '#contract/uploads.ts';
import { READ_ONLY_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bulkConcurrency: 3 });
});
afterAll(() => h.close());
afterEach(() => h.emulator.faults.clear());

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function createUploads(n: number, stem = 'bulk'): Promise<Upload[]> {
  const made: Upload[] = [];
  for (let i = 0; i < n; i++) {
    const res = await h.v1('/uploads', json({ filename: `${stem}-${i}.jsonl`, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }));
    made.push(uploadSchema.parse(await res.json()));
  }
  return made;
}

async function finished(jobId: string): Promise<BulkCancelJob> {
  await h.runner.idle();
  return bulkCancelJobSchema.parse(await (await h.api(`/api/bulk-cancels/${jobId}`)).json());
}

describe('bulk cancel', () => {
  it('takes ages in a filter as JSON numbers, not as anything z.coerce would turn into one (found by Schemathesis)', async () => {
    for (const age of [null, true, '', '60']) {
      const res = await h.api('/api/bulk-cancels/preview', json({ filter: { status: 'pending', newer_than: age } }));
      expect(res.status, JSON.stringify(age)).toBe(400);
      expect(errorEnvelopeSchema.safeParse(await res.json()).success).toBe(true);
    }
    expect((await h.api('/api/bulk-cancels/preview', json({ filter: { status: 'pending', newer_than: 60 } }))).status).toBe(200);
  });

  it('previews what a selection would touch', async () => {
    const [a, b] = await createUploads(2, 'preview');
    await h.api(`/api/uploads/${b!.id}/cancel`, { method: 'POST' });
    const preview = await (await h.api('/api/bulk-cancels/preview', json({ ids: [a!.id, b!.id, 'upload_neverseen'] }))).json();
    expect(preview).toEqual({ cancellable: 1, skipped: 1, unknown: 1 });
  });

  it('cancels the pending ones, skips the finished, and reports each failure with its reason', async () => {
    const uploads = await createUploads(8, 'mixed');
    await h.api(`/api/uploads/${uploads[0]!.id}/cancel`, { method: 'POST' }); // already finished before the job
    // Two cancels fail for good (404 from upstream as if the id were unknown there).
    h.emulator.faults.add({ operation: 'cancel', status: 404, count: 2, message: 'No such Upload object: gone' });
    const res = await h.api('/api/bulk-cancels', json({ ids: uploads.map((u) => u.id), reason: 'cleanup' }));
    expect(res.status).toBe(202);
    const job = await finished(bulkCancelJobSchema.parse(await res.json()).id);
    expect(job.state).toBe('done');
    expect(job.progress).toMatchObject({ pending: 0, cancelled: 5, skipped: 1, not_found: 2 });
    expect(job.items!.filter((i) => i.outcome === 'not_found').every((i) => i.message === 'No such Upload object: gone' && i.upstream_status === 404)).toBe(true);
    expect(job.concurrency).toBeGreaterThan(1);
    expect(job.concurrency).toBeLessThanOrEqual(3);
    const audit = auditListSchema.parse(await (await h.api(`/api/audit?source=bulk&limit=500`)).json());
    const forJob = audit.data.filter((e) => e.job_id === job.id);
    expect(forJob).toHaveLength(7); // skipped items never reached the upstream
    expect(forJob.every((e) => e.actor === 'alice' && e.reason === 'cleanup')).toBe(true);
  });

  it('honours retry-after on 429 and still cancels everything', async () => {
    const uploads = await createUploads(4, 'limited');
    h.emulator.faults.add({ operation: 'cancel', status: 429, retry_after: 7, count: 2 });
    h.requestedWaits.length = 0;
    const res = await h.api('/api/bulk-cancels', json({ ids: uploads.map((u) => u.id) }));
    const job = await finished(bulkCancelJobSchema.parse(await res.json()).id);
    expect(job.progress).toMatchObject({ cancelled: 4, failed: 0 });
    // The job waited as long as it was told (the harness only shortens the real wait).
    expect(Math.max(...h.requestedWaits)).toBeGreaterThanOrEqual(6_000);
  });

  it('cancels every upload matching a filter, beyond any page', async () => {
    const uploads = await createUploads(5, 'matchme-zz');
    const preview = await (await h.api('/api/bulk-cancels/preview', json({ filter: { q: 'matchme-zz', status: 'pending' } }))).json();
    expect(preview).toMatchObject({ cancellable: 5, skipped: 0 });
    const res = await h.api('/api/bulk-cancels', json({ filter: { q: 'matchme-zz' } }));
    const job = await finished(bulkCancelJobSchema.parse(await res.json()).id);
    expect(job.total).toBe(5);
    for (const u of uploads) expect(uploadRecordSchema.parse(await (await h.api(`/api/uploads/${u.id}`)).json()).status).toBe('cancelled');
  });

  it('never cancels outside the filter: "all matching" on a finished-status tab matches nothing', async () => {
    const uploads = await createUploads(2, 'zz-status-scope');
    const filter = { status: 'cancelled', q: 'zz-status-scope' };
    expect(await (await h.api('/api/bulk-cancels/preview', json({ filter }))).json()).toMatchObject({ cancellable: 0 });
    const job = await finished(bulkCancelJobSchema.parse(await (await h.api('/api/bulk-cancels', json({ filter }))).json()).id);
    expect(job.total).toBe(0);
    for (const u of uploads) expect(uploadRecordSchema.parse(await (await h.api(`/api/uploads/${u.id}`)).json()).status).toBe('pending');
  });

  it('takes JSON booleans in a body filter', async () => {
    const preview = await h.api('/api/bulk-cancels/preview', json({ filter: { stuck: true } }));
    expect(preview.status).toBe(200);
  });

  it('validates the request', async () => {
    const bad = await h.api('/api/bulk-cancels', json({ ids: ['../x'] }));
    expect(bad.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await bad.json()).error.message).toMatch(/upload_abc123/);
    expect((await h.api('/api/bulk-cancels', json({ ids: [] }))).status).toBe(400);
    expect((await h.api('/api/bulk-cancels', json({ ids: ['upload_a'], filter: {} }))).status).toBe(400);
    expect((await h.api('/api/bulk-cancels/bulk_nope')).status).toBe(400);
    expect((await h.api(`/api/bulk-cancels/bulk_${'0'.repeat(24)}`)).status).toBe(404);
  });
});

describe('the read-only role', () => {
  const asViewer = (path: string, init: RequestInit = {}) =>
    h.app.request(path, { ...init, headers: { authorization: `Bearer ${READ_ONLY_TOKEN}`, ...(init.headers as Record<string, string>) } });

  it('sees everything and can cancel nothing: the server refuses', async () => {
    const [upload] = await createUploads(1, 'viewer');
    h.emulator.faults.add({ operation: 'any', status: 500, count: null }); // the upstream must not be reached
    expect((await asViewer('/api/uploads')).status).toBe(200);
    expect((await asViewer(`/api/uploads/${upload!.id}`)).status).toBe(200);
    expect((await asViewer('/api/audit')).status).toBe(200);
    expect(await (await asViewer('/api/session')).json()).toMatchObject({ operator: 'victor', role: 'read_only' });
    for (const [path, body] of [
      [`/api/uploads/${upload!.id}/cancel`, {}],
      ['/api/bulk-cancels', { ids: [upload!.id] }],
    ] as const) {
      const res = await asViewer(path, json(body));
      expect(res.status).toBe(403);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('read_only_operator');
    }
    h.emulator.faults.clear();
    expect(uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload!.id}`)).json()).status).toBe('pending');
  });
});

describe('a bulk job across a restart', () => {
  it('resumes with exactly what was left, cancelling nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-restart-'));
    const databasePath = join(dir, 'console.sqlite');
    try {
      let job: BulkCancelJob;
      let doneBefore: number;
      const first = await startHarness({ databasePath, bulkConcurrency: 1 });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await first.v1('/uploads', json({ filename: `r-${i}.jsonl`, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }));
          ids.push(uploadSchema.parse(await res.json()).id);
        }
        first.emulator.faults.add({ operation: 'cancel', delay_ms: 60, count: null });
        job = bulkCancelJobSchema.parse(await (await first.api('/api/bulk-cancels', json({ ids }))).json());
        await new Promise((resolve) => setTimeout(resolve, 200));
        await first.runner.stop(); // as a shutdown would: items in flight finish, no new ones start
        const midway = (await first.store.getJob(job.id, false))!;
        expect(midway.state).toBe('running');
        expect(midway.progress.pending).toBeGreaterThan(0);
        expect(midway.progress.cancelled).toBeGreaterThan(0);
        doneBefore = midway.progress.cancelled;
      } finally {
        await first.close();
      }
      // A new process opens the same store file and resumes the job as it starts.
      const second = await startHarness({ databasePath });
      try {
        expect(second.resumed).toBe(1);
        await second.runner.idle();
        const after = (await second.store.getJob(job.id, true))!;
        expect(after.state).toBe('done');
        expect(after.total).toBe(12);
        // Its emulator is a new one that has never seen these ids, so what was left ends as
        // not_found: nothing already done was sent again, and every item has exactly one outcome.
        expect(after.progress.cancelled).toBe(doneBefore);
        expect(after.progress.not_found).toBe(12 - doneBefore);
        expect(after.progress.pending).toBe(0);
        const audit = await second.store.listAudit({ limit: 500 });
        const perUpload = new Map<string, number>();
        for (const entry of audit.data.filter((e) => e.job_id === job.id)) perUpload.set(entry.upload_id, (perUpload.get(entry.upload_id) ?? 0) + 1);
        expect([...perUpload.values()].every((n) => n === 1)).toBe(true);
        expect(perUpload.size).toBe(12);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
