import { createHash, randomBytes } from 'node:crypto';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError, RateLimitError, toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, uploadListSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import { CLIENT_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';

const PART_LIMIT = 64 * 1024; // the harness runs with a small part limit so the 413 path is cheap to test

let h: Harness;
let sdk: OpenAI;
beforeAll(async () => {
  h = await startHarness({ listen: true, maxPartBytes: PART_LIMIT, timeoutMs: 1000 });
  sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
});
afterAll(() => h.close());
afterEach(() => h.emulator.faults.clear());

const record = async (id: string) => uploadRecordSchema.parse(await (await h.api(`/api/uploads/${id}`)).json());

describe('the official OpenAI SDK through the proxy', () => {
  it('creates, adds parts (two in parallel), completes, and the dashboard lists it with its progress', async () => {
    const chunks = [randomBytes(3000), randomBytes(2000), randomBytes(1000)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const upload = await sdk.uploads.create({ filename: 'sdk.jsonl', purpose: 'batch', bytes: total, mime_type: 'application/jsonl' });
    expect(upload.status).toBe('pending');

    const first = await sdk.uploads.parts.create(upload.id, { data: await toFile(chunks[0]!, 'p0') });
    const [second, third] = await Promise.all([
      sdk.uploads.parts.create(upload.id, { data: await toFile(chunks[1]!, 'p1') }),
      sdk.uploads.parts.create(upload.id, { data: await toFile(chunks[2]!, 'p2') }),
    ]);
    const midway = await record(upload.id);
    expect(midway).toMatchObject({ status: 'pending', parts_count: 3, bytes_received: total });

    const md5 = createHash('md5').update(Buffer.concat(chunks)).digest('hex');
    const completed = await sdk.uploads.complete(upload.id, { part_ids: [first.id, second.id, third.id], md5 });
    expect(completed.status).toBe('completed');
    expect(completed.file?.bytes).toBe(total);

    const list = uploadListSchema.parse(await (await h.api('/api/uploads?status=completed&limit=500')).json());
    const listed = list.data.find((r) => r.upload.id === upload.id);
    expect(listed).toMatchObject({ status: 'completed', parts_count: 3, bytes_received: total, seen_via: 'create' });
    expect(listed?.upload.file?.id).toBe(completed.file?.id);
  });

  it('cancels, and records the client as the one who did', async () => {
    const upload = await sdk.uploads.create({ filename: 'c.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' });
    const cancelled = await sdk.uploads.cancel(upload.id);
    expect(cancelled.status).toBe('cancelled');
    expect(await record(upload.id)).toMatchObject({ status: 'cancelled', cancelled_by: 'client:sdk' });
  });

  it("records a client's refused cancel, and learns the status OpenAI gave as the reason", async () => {
    const upload = await sdk.uploads.create({ filename: 'done-elsewhere.jsonl', purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });
    // Completed behind the console's back: it still thinks the upload is pending.
    const part = await h.upstream.addPart(upload.id, new Blob([Buffer.from('hello')]));
    await h.upstream.completeUpload(upload.id, { part_ids: [part.object.id] });
    expect((await record(upload.id)).status).toBe('pending');
    await expect(sdk.uploads.cancel(upload.id)).rejects.toBeInstanceOf(BadRequestError);
    expect(await record(upload.id)).toMatchObject({ status: 'completed' });
    const audit = auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${upload.id}`)).json()).data;
    expect(audit).toMatchObject([{ actor: 'client:sdk', source: 'pass_through', previous_status: 'pending', outcome: 'already_finished', upstream_status: 400 }]);
  });

  it('raises NotFoundError for an unknown id, with the request id', async () => {
    const error = await sdk.uploads.cancel('upload_doesnotexist').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('No such Upload object: upload_doesnotexist');
    expect((error as NotFoundError).requestID).toMatch(/^req_/);
  });

  it('raises BadRequestError for a part after cancel', async () => {
    const upload = await sdk.uploads.create({ filename: 'x.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' });
    await sdk.uploads.cancel(upload.id);
    const error = await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('hello'), 'p') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("status 'cancelled'");
  });

  it('raises AuthenticationError for a bad client token, and never bothers the upstream', async () => {
    h.emulator.faults.add({ operation: 'any', status: 500, count: null });
    const stranger = new OpenAI({ apiKey: 'not-a-client-token', baseURL: `${h.origin}/v1`, maxRetries: 0 });
    await expect(stranger.uploads.cancel('upload_abc')).rejects.toBeInstanceOf(AuthenticationError);
    const keyless = await fetch(`${h.origin}/v1/uploads`, { method: 'POST' });
    expect(keyless.status).toBe(401);
    expect(errorEnvelopeSchema.parse(await keyless.json()).error.message).toMatch(/didn't provide a client token/);
  });

  it('passes 429 retry headers through so the SDK can honour them', async () => {
    h.emulator.faults.add({ operation: 'create', status: 429, retry_after: 3 });
    const error = await sdk.uploads.create({ filename: 'r.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers.get('retry-after')).toBe('3');
    expect((error as RateLimitError).headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('retries with the SDK: a 503 then success lands one upload', async () => {
    const retrying = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 2 });
    h.emulator.faults.add({ operation: 'create', status: 503, retry_after: 0 });
    const upload = await retrying.uploads.create({ filename: 'retry.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' });
    expect((await record(upload.id)).status).toBe('pending');
  });
});

describe('the pass-through itself', () => {
  it('refuses a part over the limit with a 413 before the upstream is bothered', async () => {
    const upload = await sdk.uploads.create({ filename: 'big.jsonl', purpose: 'batch', bytes: PART_LIMIT * 2, mime_type: 'application/jsonl' });
    h.emulator.faults.add({ operation: 'parts', status: 500, count: null });
    const form = new FormData();
    form.append('data', new Blob([randomBytes(PART_LIMIT + 70 * 1024)]), 'big');
    const res = await fetch(`${h.origin}/v1/uploads/${upload.id}/parts`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_TOKEN}` }, body: form });
    expect(res.status).toBe(413);
    expect(errorEnvelopeSchema.parse(await res.json()).error.param).toBe('data');
  });

  it('refuses a streamed part that turns out too large, and records nothing for it', async () => {
    const upload = await sdk.uploads.create({ filename: 'stream.jsonl', purpose: 'batch', bytes: PART_LIMIT * 4, mime_type: 'application/jsonl' });
    const boundary = 'x-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="d"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunks = [head, randomBytes(PART_LIMIT), randomBytes(PART_LIMIT), tail];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await fetch(`${h.origin}/v1/uploads/${upload.id}/parts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await record(upload.id)).toMatchObject({ parts_count: 0, bytes_received: 0 });
  });

  /** POSTs a part body to the proxy chunked (no content-length), so only the part counter can stop it. */
  const streamPart = async (uploadId: string, boundary: string, chunks: (() => Buffer)[]) =>
    await fetch(`${h.origin}/v1/uploads/${uploadId}/parts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next());
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);

  it('refuses a streamed part whose part headers are bloated (400), rather than stop counting what follows', async () => {
    const upload = await sdk.uploads.create({ filename: 'bloated.jsonl', purpose: 'batch', bytes: PART_LIMIT * 4, mime_type: 'application/jsonl' });
    const boundary = 'x-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="d"\r\nX-Pad: ${'p'.repeat(20 * 1024)}\r\n\r\n`);
    // A data part many times the limit after it: once the count is off, it would all stream upstream.
    const res = await streamPart(upload.id, boundary, [() => head, ...Array.from({ length: 16 }, () => () => randomBytes(PART_LIMIT)), () => Buffer.from(`\r\n--${boundary}--\r\n`)]);
    expect(res.status).toBe(400);
    expect(res.headers.get('connection')).toBe('close');
    expect(errorEnvelopeSchema.parse(await res.json()).error).toEqual({
      message: "Could not parse the multipart/form-data body: a part's headers are longer than 16384 bytes.",
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    expect(await record(upload.id)).toMatchObject({ parts_count: 0, bytes_received: 0 });
  });

  it('refuses a streamed part whose body runs on past the part after its closing boundary (413)', async () => {
    const upload = await sdk.uploads.create({ filename: 'epilogue.jsonl', purpose: 'batch', bytes: PART_LIMIT * 4, mime_type: 'application/jsonl' });
    const boundary = 'x-boundary';
    const part = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="d"\r\n\r\nsmall\r\n--${boundary}--\r\n`);
    const res = await streamPart(upload.id, boundary, [() => part, ...Array.from({ length: 4 }, () => () => randomBytes(PART_LIMIT))]);
    expect(res.status).toBe(413);
    expect(errorEnvelopeSchema.parse(await res.json()).error).toMatchObject({ param: 'data', code: 'part_too_large' });
    expect(await record(upload.id)).toMatchObject({ parts_count: 0, bytes_received: 0 });
  });

  it('refuses a part body that is not multipart/form-data before forwarding it, as OpenAI words it', async () => {
    const upload = await sdk.uploads.create({ filename: 'json-part.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' });
    const path = `/uploads/${upload.id}/parts`;
    const asJson = { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: 'hello' }) };
    // The emulator's own answer to the same request, for comparison.
    const upstream = await h.upstream.forward({ path, headers: asJson.headers, body: Buffer.from(asJson.body) });
    expect(upstream.status).toBe(400);
    // Any request that reached the upstream now would get a 500.
    h.emulator.faults.add({ operation: 'parts', status: 500, count: null });
    const res = await fetch(`${h.origin}/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_TOKEN}`, ...asJson.headers }, body: asJson.body });
    expect(res.status).toBe(400);
    const error = errorEnvelopeSchema.parse(await res.json()).error;
    expect(error).toEqual(errorEnvelopeSchema.parse(JSON.parse(upstream.body.toString('utf8'))).error);
    expect(error.message).toBe('Invalid Content-Type header (application/json), expected multipart/form-data.');
    expect(res.headers.get('connection')).toBe('close');

    const noType = await h.v1(path, { body: new Blob([Buffer.from('raw bytes')]) });
    expect(noType.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await noType.json()).error.message).toBe('Invalid Content-Type header (none), expected multipart/form-data.');
    const noBoundary = await h.v1(path, { headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
    expect(noBoundary.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await noBoundary.json()).error.message).toMatch(/^Could not parse the multipart\/form-data body: .*no boundary/);
    expect(await record(upload.id)).toMatchObject({ parts_count: 0, bytes_received: 0 });
  });

  it('answers unknown routes and malformed ids like OpenAI, in the envelope', async () => {
    const get = await fetch(`${h.origin}/v1/uploads`, { headers: { authorization: `Bearer ${CLIENT_TOKEN}` } });
    expect(get.status).toBe(404);
    expect(errorEnvelopeSchema.parse(await get.json()).error.message).toBe('Invalid URL (GET /v1/uploads)');
    const hostile = await h.v1(`/uploads/..%2Fsecret/cancel`);
    expect(hostile.status).toBe(404);
    expect(errorEnvelopeSchema.parse(await hostile.json()).error.param).toBe('upload_id');
  });

  it('stops reading a chunked JSON body past 1 MB with a 413', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk); // 2.5 MB, chunked
        else controller.close();
      },
    });
    const res = await fetch(`${h.origin}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close'); // the unread rest must not poison a reused connection
  });

  it('passes upstream validation errors through verbatim', async () => {
    const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl', color: 'red' }) });
    expect(res.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await res.json()).error.param).toBe('color');
  });

  it('still answers the client when recording fails', async () => {
    const original = h.store.recordUpload.bind(h.store);
    h.store.recordUpload = () => Promise.reject(new Error('disk full'));
    try {
      const upload = await sdk.uploads.create({ filename: 'unrecorded.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' });
      expect(upload.status).toBe('pending');
    } finally {
      h.store.recordUpload = original;
    }
  });

  it('answers 504 when the upstream is too slow and 502 when it resets', async () => {
    h.emulator.faults.add({ operation: 'cancel', delay_ms: 1500 });
    expect((await h.v1('/uploads/upload_slow/cancel')).status).toBe(504);
    h.emulator.faults.add({ operation: 'cancel', reset: true });
    expect((await h.v1('/uploads/upload_reset/cancel')).status).toBe(502);
  });
});
