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

describe('audit', () => {
  it('records every cancel, whoever made it, and exports CSV', async () => {
    const [mine, theirs] = await createUploads(2, 'audited');
    await h.api(`/api/uploads/${mine!.id}/cancel`, json({ reason: 'stuck for an hour, "ops" ticket #12' }));
    await h.v1(`/uploads/${theirs!.id}/cancel`);
    const direct = await h.upstream.createUpload({ filename: 'from-log.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' });
    await h.api(`/api/uploads/${direct.object.id}/cancel`, { method: 'POST' });
    await h.api(`/api/uploads/${mine!.id}/cancel`, { method: 'POST' }); // already cancelled

    const entries = auditListSchema.parse(await (await h.api('/api/audit?limit=500')).json()).data;
    const of = (id: string) => entries.filter((e) => e.upload_id === id);
    expect(of(mine!.id).map((e) => [e.outcome, e.source, e.previous_status])).toEqual([
      ['already_finished', 'api', 'cancelled'],
      ['cancelled', 'api', 'pending'],
    ]);
    expect(of(mine!.id)[1]).toMatchObject({ actor: 'alice', reason: 'stuck for an hour, "ops" ticket #12', upstream_status: 200, filename: 'audited-0.jsonl' });
    expect(of(mine!.id)[1]!.request_id).toMatch(/^req_/);
    expect(of(theirs!.id)[0]).toMatchObject({ actor: 'client:sdk', source: 'pass_through', outcome: 'cancelled', previous_status: 'pending' });
    expect(of(direct.object.id)[0]).toMatchObject({ source: 'by_id', previous_status: null, outcome: 'cancelled' });

    const csv = await h.api('/api/audit/export.csv?actor=alice');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('id,at,actor,action,source,upload_id,filename,reason,previous_status,outcome,upstream_status,request_id,job_id,message');
    expect(text).toContain('"stuck for an hour, ""ops"" ticket #12"');
    expect(text).not.toContain('client:sdk');
  });

  it('shows an upload its timeline, cancel attempts included', async () => {
    const [upload] = await createUploads(1, 'timeline');
    h.emulator.faults.add({ operation: 'cancel', status: 429, count: 3, retry_after: 30 });
    await h.api(`/api/uploads/${upload!.id}/cancel`, { method: 'POST' });
    h.emulator.faults.clear();
    await h.api(`/api/uploads/${upload!.id}/cancel`, { method: 'POST' });
    const timeline = (await (await h.api(`/api/uploads/${upload!.id}/timeline`)).json()) as { data: { kind: string; actor: string | null; message: string }[] };
    expect(timeline.data.map((e) => e.kind)).toEqual(['created', 'cancel_attempt', 'cancelled']);
    expect(timeline.data[1]!.message).toMatch(/Cancel by alice: it failed \(Rate limit/);
    expect(timeline.data[2]).toMatchObject({ actor: 'alice', message: 'Cancelled by alice' });
  });
});

describe('a bulk job across a restart', () => {
  it('resumes with exactly what was left, cancelling nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-restart-'));
    const databasePath = join(dir, 'console.sqlite');
    let first: Harness | null = await startHarness({ databasePath, bulkConcurrency: 1 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await first.v1('/uploads', json({ filename: `r-${i}.jsonl`, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }));
        ids.push(uploadSchema.parse(await res.json()).id);
      }
      first.emulator.faults.add({ operation: 'cancel', delay_ms: 60, count: null });
      const job = bulkCancelJobSchema.parse(await (await first.api('/api/bulk-cancels', json({ ids }))).json());
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.runner.stop(); // as a shutdown would: items in flight finish, no new ones start
      const midway = (await first.store.getJob(job.id, false))!;
      expect(midway.state).toBe('running');
      expect(midway.progress.pending).toBeGreaterThan(0);
      expect(midway.progress.cancelled).toBeGreaterThan(0);
      const doneBefore = midway.progress.cancelled;
      // The upstream keeps its state; a new process opens the same store file.
      const emulator = first.emulator;
      await first.store.close();
      first = null;
      const second = await startHarness({ databasePath });
      try {
        // Reuse the first emulator's uploads: point the second harness's checks at the shared store file.
        expect(await second.runner.resume()).toBe(1);
        await second.runner.idle();
        const after = (await second.store.getJob(job.id, true))!;
        expect(after.state).toBe('done');
        expect(after.total).toBe(12);
        // The second emulator has never seen these ids, so what was left ends as not_found: nothing
        // already done was sent again, and every item has exactly one outcome.
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
        await emulator.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
