import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, uploadListSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { uploadSchema } from '#contract/uploads.ts';
import { createUpstreamClient } from '#server/upstream/openai-client.ts';
import { EMULATOR_KEY, startHarness, type Harness } from '#server/test-support/harness.ts';
import { createUploadVia, expectEnvelope } from '#server/test-support/http-checks.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ timeoutMs: 1000 });
});
afterAll(() => h.close());
afterEach(() => h.emulator.faults.clear());

const createUpload = (filename = 'train.jsonl') => createUploadVia(h, filename);

const cancel = (id: string, headers: Record<string, string> = {}) => h.api(`/api/uploads/${id}/cancel`, { method: 'POST', headers });

describe('GET /api/uploads', () => {
  it('lists recorded uploads newest first with status counts', async () => {
    const first = await createUpload('older.jsonl');
    h.clock.setOffsetSeconds(5);
    const second = await createUpload('newer.jsonl');
    h.clock.setOffsetSeconds(0);
    const list = uploadListSchema.parse(await (await h.api('/api/uploads?limit=500')).json());
    const ids = list.data.map((r) => r.upload.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(list.counts.pending).toBeGreaterThanOrEqual(2);
  });

  it('filters by status and pages with a cursor: pages are disjoint and together hold every match', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = await createUpload(`paged-${i}.jsonl`);
      await cancel(id);
      made.push(id);
    }
    const cancelled = (await h.store.listUploads({ status: 'cancelled', limit: 500 }, Math.floor(h.clock.now() / 1000))).data.map((r) => r.upload.id);
    expect(cancelled).toEqual(expect.arrayContaining(made));
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = uploadListSchema.parse(await (await h.api(`/api/uploads?status=cancelled&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json());
      expect(page.data.every((r) => r.status === 'cancelled')).toBe(true);
      expect(page.data.length).toBeLessThanOrEqual(2);
      expect(page.has_more).toBe(page.next_cursor !== null);
      pages.push(page.data.map((r) => r.upload.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length); // no id on two pages
    expect([...seen].sort()).toEqual([...cancelled].sort()); // and none missing
  });

  it('answers bad query values with a 400 naming the parameter', async () => {
    expect((await expectEnvelope(await h.api('/api/uploads?status=stuck'), 400)).param).toBe('status');
    expect((await expectEnvelope(await h.api('/api/uploads?limit=0'), 400)).param).toBe('limit');
    expect((await expectEnvelope(await h.api('/api/uploads?limit=abc'), 400)).param).toBe('limit');
    expect((await expectEnvelope(await h.api('/api/uploads?cursor=garbage'), 400)).param).toBe('cursor');
    expect((await expectEnvelope(await h.api(`/api/uploads?cursor=${'x'.repeat(10_000)}`), 400)).param).toBe('cursor');
    // Found by Schemathesis: a blank age read as 0 and answered an empty list.
    expect((await expectEnvelope(await h.api('/api/uploads?newer_than='), 400)).param).toBe('newer_than');
    expect((await expectEnvelope(await h.api('/api/uploads?older_than=%20'), 400)).param).toBe('older_than');
    // Found by Schemathesis: a NUL in q ended SQLite's full-text query early (SqliteError, a 500).
    expect((await expectEnvelope(await h.api('/api/uploads?q=abc%00def'), 400)).param).toBe('q');
    // Found by Schemathesis: a length was checked after the trim, so 201 characters led by a space passed.
    expect((await expectEnvelope(await h.api(`/api/uploads?q=%20${'a'.repeat(200)}`), 400)).param).toBe('q');
    expect((await h.api(`/api/uploads?q=%20${'a'.repeat(199)}`)).status).toBe(200);
  });
});

describe('GET /api/uploads/:id', () => {
  it('returns the record, and 404 for an id never seen', async () => {
    const upload = await createUpload();
    const record = uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload.id}`)).json());
    expect(record).toMatchObject({ status: 'pending', seen_via: 'create', upload: { id: upload.id } });
    await expectEnvelope(await h.api('/api/uploads/upload_neverseen'), 404, /No such Upload object: upload_neverseen/);
  });
});

describe('POST /api/uploads/:id/cancel', () => {
  it('cancels upstream, records who did it, and answers the Upload object', async () => {
    const upload = await createUpload();
    const res = await cancel(upload.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(uploadSchema.parse(await res.json())).toMatchObject({ id: upload.id, status: 'cancelled' });
    const record = uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload.id}`)).json());
    expect(record).toMatchObject({ status: 'cancelled', cancelled_by: 'alice' });
  });

  it('refuses a reason longer than 500 characters as sent, before any upstream call', async () => {
    const upload = await createUpload();
    const withReason = (reason: string) => h.api(`/api/uploads/${upload.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason }) });
    // 501 characters, 500 once the space is trimmed: the description's maxLength counts them as sent.
    expect((await expectEnvelope(await withReason(` ${'r'.repeat(500)}`), 400)).param).toBe('reason');
    expect(uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload.id}`)).json()).status).toBe('pending');
    expect((await withReason(` ${'r'.repeat(499)}`)).status).toBe(200);
  });

  it("keeps the upstream's 400 and 404 with their envelopes", async () => {
    const upload = await createUpload();
    await cancel(upload.id);
    await expectEnvelope(await cancel(upload.id), 400, /Cannot cancel upload with status 'cancelled'/);
    await expectEnvelope(await cancel('upload_unknown123'), 404, /No such Upload object: upload_unknown123/);
  });

  it('answers from what the cancel recorded, without reading the upload again', async () => {
    const upload = await createUpload();
    const getUpload = h.store.getUpload.bind(h.store);
    let reads = 0;
    h.store.getUpload = async (...args) => {
      reads++;
      return await getUpload(...args);
    };
    try {
      expect((await cancel(upload.id)).status).toBe(200);
    } finally {
      h.store.getUpload = getUpload;
    }
    expect(reads).toBe(0);
  });

  it('records an upload it had never seen when cancelled by id', async () => {
    const direct = await h.upstream.createUpload({ filename: 'elsewhere.jsonl', purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });
    expect((await h.api(`/api/uploads/${direct.object.id}`)).status).toBe(404);
    expect((await cancel(direct.object.id)).status).toBe(200);
    expect(await (await h.api(`/api/uploads/${direct.object.id}`)).json()).toMatchObject({ status: 'cancelled', seen_via: 'cancel' });
  });

  it('validates ids before any upstream call', async () => {
    // Were any of these to reach the upstream, it would answer 500.
    h.emulator.faults.add({ operation: 'any', status: 500, count: null });
    // Dot segments are resolved by the URL parser first, leaving a route that does not exist.
    await expectEnvelope(await cancel('%2E%2E'), 404, /Invalid URL/);
    for (const id of ['..%2F..%2Fadmin', 'upload_a%2Fb', 'file-abc', 'upload_ü', `upload_${'a'.repeat(10_000)}`, 'upload_%00']) {
      const error = await expectEnvelope(await cancel(id), 400, /Invalid upload id/);
      expect(error.param).toBe('upload_id');
      expect(error.message.length).toBeLessThan(300);
    }
  });

  it('passes a 429 on with its retry headers', async () => {
    const upload = await createUpload();
    h.emulator.faults.add({ operation: 'cancel', status: 429, retry_after: 7 });
    const res = await cancel(upload.id);
    const error = await expectEnvelope(res, 429, /Rate limit/);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload.id}`)).json()).status).toBe('pending');
  });

  it('retries a passing 5xx or reset, and the cancel goes through', async () => {
    const first = await createUpload();
    h.emulator.faults.add({ operation: 'cancel', status: 503 });
    expect((await cancel(first.id)).status).toBe(200);
    const second = await createUpload();
    h.emulator.faults.add({ operation: 'cancel', reset: true });
    expect((await cancel(second.id)).status).toBe(200);
  });

  it('keeps an upstream 5xx that does not pass', async () => {
    const upload = await createUpload();
    h.emulator.faults.add({ operation: 'cancel', status: 503, count: null });
    await expectEnvelope(await cancel(upload.id), 503);
    expect(uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload.id}`)).json()).status).toBe('pending');
  });

  it('answers 502 when the connection keeps being reset, and 504 when the upstream stays too slow', async () => {
    const upload = await createUpload();
    h.emulator.faults.add({ operation: 'cancel', reset: true, count: null });
    expect((await expectEnvelope(await cancel(upload.id), 502, /Could not reach OpenAI/)).code).toBe('upstream_unreachable');
    h.emulator.faults.clear();
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 1500, count: null });
    expect((await expectEnvelope(await cancel(upload.id), 504, /did not answer/)).code).toBe('upstream_timeout');
  });

  it('counts a cancel that timed out and then reads "already cancelled" as done', async () => {
    const upload = await createUpload();
    // The first cancel lands upstream (after 1.1 s) but the proxy gave up at 1 s; the retry,
    // some 300 ms later, is told it is already cancelled, which counts as success.
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 1100 });
    const res = await cancel(upload.id);
    expect(res.status).toBe(200);
    const record = uploadRecordSchema.parse(await (await h.api(`/api/uploads/${upload.id}`)).json());
    expect(record.status).toBe('cancelled');
    const audit = auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${upload.id}`)).json());
    expect(audit.data[0]).toMatchObject({ outcome: 'cancelled', message: 'Confirmed by a repeated cancel: the earlier one had landed' });
  });

  it("answers 502 when OpenAI confirms a cancel but the console cannot show the object", async () => {
    // Never recorded here, so there is no object to fall back on: only "already cancelled" comes back.
    const direct = await h.upstream.createUpload({ filename: 'confirmed-only.jsonl', purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 1100 });
    const error = await expectEnvelope(await cancel(direct.object.id), 502, /confirms .* is cancelled but returned no Upload object/);
    expect(error.code).toBe('upstream_no_object');
  });

  it("answers 502 naming the cause when the upstream rejects the server's own key", async () => {
    const wrongKey = await startHarness({ upstream: (url) => createUpstreamClient({ baseUrl: url, apiKey: 'sk-wrong-key-000000000000', timeoutMs: 1000 }) });
    try {
      const res = await wrongKey.api('/api/uploads/upload_abc123/cancel', { method: 'POST' });
      const error = await expectEnvelope(res, 502, /rejected this server's API key/);
      expect(error.code).toBe('upstream_auth_failed');
      expect(error.message).not.toContain('sk-wrong');
    } finally {
      await wrongKey.close();
    }
  });

  it('answers 502 when the upstream is down altogether', async () => {
    const down = await startHarness({ upstream: () => createUpstreamClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: EMULATOR_KEY, timeoutMs: 1000 }) });
    try {
      await expectEnvelope(await down.api('/api/uploads/upload_abc123/cancel', { method: 'POST' }), 502, /Could not reach OpenAI/);
    } finally {
      await down.close();
    }
  });
});

describe('GET /api/uploads/:id/timeline', () => {
  it('shows an upload its timeline, cancel attempts included', async () => {
    const upload = await createUpload('timeline.jsonl');
    h.emulator.faults.add({ operation: 'cancel', status: 429, count: 3, retry_after: 30 });
    await cancel(upload.id);
    h.emulator.faults.clear();
    await cancel(upload.id);
    const timeline = (await (await h.api(`/api/uploads/${upload.id}/timeline`)).json()) as { data: { kind: string; actor: string | null; message: string }[] };
    expect(timeline.data.map((e) => e.kind)).toEqual(['created', 'cancel_attempt', 'cancelled']);
    expect(timeline.data[1]!.message).toMatch(/Cancel by alice: it failed \(Rate limit/);
    expect(timeline.data[2]).toMatchObject({ actor: 'alice', message: 'Cancelled by alice' });
  });
});
