// The emulator's wire behaviour, over real HTTP, against ../shared/docs/openai-uploads-contract.md.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, uploadPartSchema, uploadSchema } from '#contract/uploads.ts';
import { messages, redactKey, uploadRuleMessages } from './openai-errors.ts';
import { ManualClock } from '#server/lib/clock.ts';
import { createEmulatorApp } from './app.ts';
import { FaultInjector } from './faults.ts';
import { MAX_JSON_BODY_BYTES, MAX_UPLOAD_BYTES } from './policy.ts';
import { openEmulatorState } from './state.ts';
import { partForm, startTestEmulator, TEST_API_KEY, TEST_EPOCH_SECONDS, type TestEmulator } from './test-support.ts';

const MAX_PART_BYTES = 1024; // lowered so the 413 needs no 64 MB body

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ maxPartBytes: MAX_PART_BYTES });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.faults.clear();
  emulator.clock.setOffsetSeconds(0);
});

const call = (method: string, path: string, options?: Parameters<TestEmulator['call']>[2]) => emulator.call(method, path, options);

const validCreate = { filename: 'train.jsonl', purpose: 'fine-tune', bytes: 11, mime_type: 'text/jsonl' };

async function createUpload(body: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/uploads', { body: { ...validCreate, ...body } });
  expect(res.status).toBe(200);
  return res.json as { id: string; bytes: number; created_at: number; status: string };
}

async function addPart(uploadId: string, content: string) {
  const res = await call('POST', `/v1/uploads/${uploadId}/parts`, { body: partForm(content) });
  expect(res.status).toBe(200);
  return res.json as { id: string };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function expectError(res: { status: number; json: unknown }, status: number, error: Partial<Record<'message' | 'type' | 'param' | 'code', unknown>>) {
  expect(res.status).toBe(status);
  expect(errorEnvelopeSchema.strict().parse(res.json).error).toMatchObject({ type: 'invalid_request_error', ...error });
}

describe('auth', () => {
  it('answers 401 without a key, naming Bearer auth', async () => {
    const res = await call('POST', '/v1/uploads', { body: validCreate, apiKey: null });
    expectError(res, 401, { message: messages.noApiKey, param: null, code: null });
  });

  it('treats a non-Bearer Authorization header as no key', async () => {
    const res = await call('POST', '/v1/uploads', { body: validCreate, apiKey: null, headers: { authorization: 'Basic abc' } });
    expectError(res, 401, { message: messages.noApiKey });
  });

  it('answers 401 invalid_api_key for a wrong key, without echoing it whole', async () => {
    const wrong = 'sk-abc123456789wrongwxyz';
    const res = await call('POST', '/v1/uploads', { body: validCreate, apiKey: wrong });
    expectError(res, 401, { message: messages.incorrectApiKey(wrong), code: 'invalid_api_key', param: null });
    expect(res.json.error.message).toContain(redactKey(wrong));
    expect(res.json.error.message).not.toContain(wrong);
  });

  it('checks the key before routing', async () => {
    expect((await call('GET', '/v1/nothing-here', { apiKey: null })).status).toBe(401);
    expect((await call('GET', '/__emulator/health', { apiKey: null })).status).toBe(401);
  });
});

describe('every response', () => {
  it('carries x-request-id, openai-processing-ms and a JSON content type', async () => {
    const responses = [
      await call('POST', '/v1/uploads', { body: validCreate }),
      await call('POST', '/v1/uploads', { body: {} }),
      await call('GET', '/v1/uploads'),
      await call('POST', '/v1/uploads', { apiKey: null }),
    ];
    const requestIds = new Set<string>();
    for (const res of responses) {
      const requestId = res.headers.get('x-request-id') ?? '';
      expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
      requestIds.add(requestId);
      expect(res.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect(requestIds.size).toBe(responses.length);
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/v1/uploads'],
    ['POST', '/v1/files'],
    ['GET', '/v1/uploads/upload_abc123'],
    ['DELETE', '/v1/uploads/upload_abc123/cancel'],
    ['POST', '/v1/uploads/upload_abc123/parts/part_1'],
  ])('answers %s %s with 404 Invalid URL', async (method, path) => {
    const res = await call(method, path);
    expectError(res, 404, { message: `Invalid URL (${method} ${path})`, param: null, code: null });
  });
});

describe('POST /v1/uploads', () => {
  it('returns a pending Upload with the fields in OpenAI order and time-ordered ids', async () => {
    const res = await call('POST', '/v1/uploads', { body: validCreate });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['id', 'object', 'bytes', 'created_at', 'expires_at', 'filename', 'purpose', 'status', 'file']);
    expect(res.json).toEqual({
      id: expect.stringMatching(/^upload_[0-9a-f]{32}$/),
      object: 'upload',
      bytes: 11,
      created_at: TEST_EPOCH_SECONDS,
      expires_at: TEST_EPOCH_SECONDS + 3600,
      filename: 'train.jsonl',
      purpose: 'fine-tune',
      status: 'pending',
      file: null,
    });
    expect(uploadSchema.parse(res.json)).toBeTruthy();
    expect(parseInt(res.json.id.slice('upload_'.length, 'upload_'.length + 8), 16)).toBe(TEST_EPOCH_SECONDS);
    expect(res.json.id).toMatch(/^upload_[A-Za-z0-9_-]{1,128}$/);
  });

  it('gives every upload its own id', async () => {
    const ids = new Set(await Promise.all([1, 2, 3, 4, 5].map(async () => (await createUpload()).id)));
    expect(ids.size).toBe(5);
  });

  it.each([
    ['vision', 'image/png'],
    ['vision', 'image/webp'],
    ['assistants', 'application/pdf'],
    ['user_data', 'text/plain'],
    ['batch', 'application/jsonl'],
    ['evals', 'application/x-ndjson'],
    ['fine-tune', 'Text/JSONL; charset=utf-8'],
  ])('accepts purpose %s with mime_type %s', async (purpose, mime_type) => {
    const res = await call('POST', '/v1/uploads', { body: { ...validCreate, purpose, mime_type } });
    expect(res.status).toBe(200);
    expect(res.json.purpose).toBe(purpose);
  });

  it('accepts a body sent without a JSON content type, as OpenAI does for curl -d', async () => {
    const res = await call('POST', '/v1/uploads', {
      body: JSON.stringify(validCreate),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
  });

  it.each(['filename', 'purpose', 'bytes', 'mime_type'])('answers 400 when %s is missing', async (field) => {
    const body = Object.fromEntries(Object.entries(validCreate).filter(([key]) => key !== field));
    const res = await call('POST', '/v1/uploads', { body });
    expectError(res, 400, { message: `Missing required parameter: '${field}'.`, param: field, code: 'missing_required_parameter' });
  });

  it('answers 400 naming an unrecognized argument', async () => {
    const res = await call('POST', '/v1/uploads', { body: { ...validCreate, file_name: 'x' } });
    expectError(res, 400, { message: 'Unrecognized request argument supplied: file_name', param: 'file_name' });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await call('POST', '/v1/uploads', { body: '{"filename": ', headers: { 'content-type': 'application/json' } });
    expectError(res, 400, { message: expect.stringContaining('We could not parse the JSON body of your request.'), param: null, code: null });
  });

  it('answers 413 for a JSON body over the limit', async () => {
    const res = await call('POST', '/v1/uploads', { body: { ...validCreate, filename: 'x'.repeat(MAX_JSON_BODY_BYTES) } });
    expectError(res, 413, { message: expect.stringContaining(String(MAX_JSON_BODY_BYTES)) });
  });

  it('answers 400 for JSON that is not an object', async () => {
    expectError(await call('POST', '/v1/uploads', { body: [validCreate] }), 400, { code: 'invalid_type', param: null });
  });

  it('treats an empty body as no parameters', async () => {
    const res = await call('POST', '/v1/uploads', { body: '', headers: { 'content-type': 'application/json' } });
    expectError(res, 400, { message: "Missing required parameter: 'filename'.", param: 'filename' });
  });

  it('answers 400 naming the allowed purposes', async () => {
    const res = await call('POST', '/v1/uploads', { body: { ...validCreate, purpose: 'training' } });
    expectError(res, 400, {
      message: "Invalid value: 'training'. Supported values are: 'assistants', 'batch', 'fine-tune', 'vision', 'user_data', and 'evals'.",
      param: 'purpose',
      code: 'invalid_value',
    });
  });

  it.each([
    [0, 'integer_below_min_value', 'Expected a value >= 1, but got 0 instead.'],
    [-5, 'integer_below_min_value', 'Expected a value >= 1'],
    [MAX_UPLOAD_BYTES + 1, 'integer_above_max_value', `Expected a value <= ${MAX_UPLOAD_BYTES}, but got ${MAX_UPLOAD_BYTES + 1} instead.`],
    [1.5, 'invalid_type', "Invalid type for 'bytes': expected an integer, but got a decimal number instead."],
    ['11', 'invalid_type', "Invalid type for 'bytes': expected a number, but got a string instead."],
  ])('answers 400 for bytes = %j', async (bytes, code, text) => {
    const res = await call('POST', '/v1/uploads', { body: { ...validCreate, bytes } });
    expectError(res, 400, { param: 'bytes', code, message: expect.stringContaining(text) });
  });

  it('accepts exactly 8 GB', async () => {
    expect((await createUpload({ bytes: MAX_UPLOAD_BYTES })).bytes).toBe(MAX_UPLOAD_BYTES);
  });

  it.each([
    ['batch', 'image/png'],
    ['fine-tune', 'text/plain'],
    ['evals', 'text/csv'],
    ['vision', 'application/pdf'],
  ])('answers 400 when purpose %s gets mime_type %s', async (purpose, mime_type) => {
    const res = await call('POST', '/v1/uploads', { body: { ...validCreate, purpose, mime_type } });
    expectError(res, 400, { param: 'mime_type', message: expect.stringContaining(`'${mime_type}' is not supported for purpose '${purpose}'`) });
  });

  it('answers 400 for an empty filename or mime_type', async () => {
    expectError(await call('POST', '/v1/uploads', { body: { ...validCreate, filename: '' } }), 400, { param: 'filename' });
    expectError(await call('POST', '/v1/uploads', { body: { ...validCreate, mime_type: '' } }), 400, { param: 'mime_type' });
  });

  it.each([
    [{ anchor: 'last_active_at', seconds: 3600 }, 'expires_after.anchor'],
    [{ anchor: 'created_at', seconds: 3599 }, 'expires_after.seconds'],
    [{ anchor: 'created_at', seconds: 2_592_001 }, 'expires_after.seconds'],
    [{ anchor: 'created_at' }, 'expires_after.seconds'],
    [{ anchor: 'created_at', seconds: 3600, extra: 1 }, 'expires_after.extra'],
    ['1h', 'expires_after'],
  ])('answers 400 for expires_after %j', async (expires_after, param) => {
    expectError(await call('POST', '/v1/uploads', { body: { ...validCreate, expires_after } }), 400, { param });
  });
});

describe('POST /v1/uploads/{id}/parts', () => {
  it('stores a part and returns an UploadPart', async () => {
    const upload = await createUpload();
    const res = await call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('hello world') });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['id', 'object', 'created_at', 'upload_id']);
    expect(uploadPartSchema.parse(res.json)).toEqual({
      id: expect.stringMatching(/^part_[0-9a-f]{32}$/),
      object: 'upload.part',
      created_at: TEST_EPOCH_SECONDS,
      upload_id: upload.id,
    });
    expect(parseInt(res.json.id.slice('part_'.length, 'part_'.length + 8), 16)).toBe(TEST_EPOCH_SECONDS);
  });

  it("accepts data sent as a plain form field (curl's -F data=...)", async () => {
    const upload = await createUpload();
    const form = new FormData();
    form.append('data', 'hello world');
    const part = await call('POST', `/v1/uploads/${upload.id}/parts`, { body: form });
    expect(part.status).toBe(200);
    const done = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.json.id], md5: md5('hello world') } });
    expect(done.status).toBe(200);
  });

  it('accepts a part of exactly the maximum size and refuses one byte more with 413, keeping no bytes', async () => {
    const upload = await createUpload({ bytes: MAX_PART_BYTES });
    const filesBefore = readdirSync(emulator.partsDir).length;
    const tooBig = await call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('x'.repeat(MAX_PART_BYTES + 1)) });
    expectError(tooBig, 413, { message: uploadRuleMessages.partTooLarge(MAX_PART_BYTES) });
    expect(readdirSync(emulator.partsDir).length).toBe(filesBefore);

    const exact = await call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('x'.repeat(MAX_PART_BYTES)) });
    expect(exact.status).toBe(200);
  });

  it('answers a far larger part with 413 too, without reading it all', async () => {
    const upload = await createUpload();
    const res = await call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm(new Uint8Array(4 * 1024 * 1024)) });
    expect(res.status).toBe(413);
  });

  it('answers 400 when the data field is missing', async () => {
    const upload = await createUpload();
    expectError(await call('POST', `/v1/uploads/${upload.id}/parts`, { body: new FormData() }), 400, {
      message: "Missing required parameter: 'data'.",
      param: 'data',
    });
  });

  it('answers 400 for another field, or data given twice', async () => {
    const upload = await createUpload();
    const filesBefore = readdirSync(emulator.partsDir).length;
    expectError(await call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('abc', 'file') }), 400, {
      message: 'Unrecognized request argument supplied: file',
      param: 'file',
    });
    const twice = partForm('abc');
    twice.append('data', new Blob(['def']), 'b.bin');
    expectError(await call('POST', `/v1/uploads/${upload.id}/parts`, { body: twice }), 400, { param: 'data' });
    expect(readdirSync(emulator.partsDir).length).toBe(filesBefore);
  });

  it('answers 400 for a body that is not multipart/form-data', async () => {
    const upload = await createUpload();
    expectError(await call('POST', `/v1/uploads/${upload.id}/parts`, { body: { data: 'hello' } }), 400, {
      message: 'Invalid Content-Type header (application/json), expected multipart/form-data.',
    });
    expectError(
      await call('POST', `/v1/uploads/${upload.id}/parts`, { body: 'x', headers: { 'content-type': 'multipart/form-data' } }),
      400,
      { message: expect.stringContaining('multipart/form-data') },
    );
  });

  it('answers 404 for an unknown upload', async () => {
    const res = await call('POST', '/v1/uploads/upload_0000000000000000000000000000dead/parts', { body: partForm('x') });
    expectError(res, 404, { message: 'No such Upload object: upload_0000000000000000000000000000dead' });
  });

  it.each(['completed', 'cancelled', 'expired'])('answers 400 once the upload is %s', async (status) => {
    const upload = await createUpload({ bytes: 3 });
    if (status === 'completed') {
      const part = await addPart(upload.id, 'abc');
      expect((await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id] } })).status).toBe(200);
    } else if (status === 'cancelled') {
      expect((await call('POST', `/v1/uploads/${upload.id}/cancel`)).status).toBe(200);
    } else {
      emulator.clock.setOffsetSeconds(3600);
    }
    const res = await call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('abc') });
    expectError(res, 400, { message: `Cannot add a part to upload with status '${status}'.` });
  });
});

describe('upload ids in paths', () => {
  it.each([
    ['not_an_upload', 'No such Upload object: not_an_upload'],
    ['upload_has.dot', 'No such Upload object: upload_has.dot'],
    ['upload_a%2F..%2Fb', 'No such Upload object: upload_a/../b'],
    [`upload_${'a'.repeat(300)}`, `No such Upload object: upload_${'a'.repeat(57)}…`],
  ])('answers 404 for %s, echoing at most 64 characters', async (id, message) => {
    for (const operation of ['parts', 'complete', 'cancel']) {
      const res = await call('POST', `/v1/uploads/${id}/${operation}`, { body: operation === 'parts' ? partForm('x') : { part_ids: ['part_1'] } });
      expectError(res, 404, { message });
    }
  });
});

describe('POST /v1/uploads/{id}/complete', () => {
  it('completes in part_ids order, with a File object, and checks the md5 of the concatenation', async () => {
    const upload = await createUpload({ bytes: 11 });
    const world = await addPart(upload.id, ' world');
    const hello = await addPart(upload.id, 'hello');
    emulator.clock.setOffsetSeconds(60);
    const res = await call('POST', `/v1/uploads/${upload.id}/complete`, {
      body: { part_ids: [hello.id, world.id], md5: md5('hello world').toUpperCase() },
    });
    expect(res.status).toBe(200);
    expect(uploadSchema.parse(res.json)).toMatchObject({ id: upload.id, status: 'completed', created_at: TEST_EPOCH_SECONDS });
    expect(Object.keys(res.json.file)).toEqual(['id', 'object', 'bytes', 'created_at', 'expires_at', 'filename', 'purpose', 'status', 'status_details']);
    expect(res.json.file).toEqual({
      id: expect.stringMatching(/^file-[0-9A-Za-z]{22}$/),
      object: 'file',
      bytes: 11,
      created_at: TEST_EPOCH_SECONDS + 60,
      expires_at: null,
      filename: 'train.jsonl',
      purpose: 'fine-tune',
      status: 'processed',
      status_details: null,
    });
  });

  it('sets the file expiry from expires_after', async () => {
    const upload = await createUpload({ bytes: 3, expires_after: { anchor: 'created_at', seconds: 7200 } });
    const part = await addPart(upload.id, 'abc');
    const res = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id] } });
    expect(res.json.file.expires_at).toBe(res.json.file.created_at + 7200);
  });

  it('discards the part bytes once completed', async () => {
    const upload = await createUpload({ bytes: 3 });
    const part = await addPart(upload.id, 'abc');
    expect(readdirSync(emulator.partsDir)).toContain(`${part.id}.bin`);
    await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id] } });
    expect(readdirSync(emulator.partsDir)).not.toContain(`${part.id}.bin`);
  });

  it('answers 400 for an md5 mismatch and leaves the upload pending', async () => {
    const upload = await createUpload({ bytes: 5 });
    const part = await addPart(upload.id, 'hello');
    const wrong = md5('HELLO');
    const res = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id], md5: wrong } });
    expectError(res, 400, { param: 'md5', message: expect.stringContaining(wrong) });
    expect(res.json.error.message).toContain(md5('hello'));
    expect((await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id] } })).status).toBe(200);
  });

  it('answers 400 for an md5 that is not 32 hex digits', async () => {
    const upload = await createUpload({ bytes: 5 });
    const part = await addPart(upload.id, 'hello');
    expectError(await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id], md5: 'abc' } }), 400, { param: 'md5' });
  });

  it('answers 400 with both numbers when the parts do not add up to bytes', async () => {
    const upload = await createUpload({ bytes: 11 });
    const part = await addPart(upload.id, 'hello');
    const res = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id] } });
    expectError(res, 400, { param: 'part_ids' });
    expect(res.json.error.message).toContain('5');
    expect(res.json.error.message).toContain('11');
  });

  it('answers 400 naming an unknown part, a part of another upload and a repeated part', async () => {
    const upload = await createUpload({ bytes: 10 });
    const part = await addPart(upload.id, 'hello');
    const other = await createUpload({ bytes: 5 });
    const foreign = await addPart(other.id, 'hello');

    const unknown = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id, 'part_nope'] } });
    expectError(unknown, 400, { param: 'part_ids', message: `Part part_nope is not a part of upload ${upload.id}.` });
    const stolen = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id, foreign.id] } });
    expectError(stolen, 400, { param: 'part_ids', message: expect.stringContaining(foreign.id) });
    const repeated = await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id, part.id] } });
    expectError(repeated, 400, { param: 'part_ids', message: expect.stringContaining(part.id) });
  });

  it('answers 400 for an empty part_ids, a missing one, or another argument', async () => {
    const upload = await createUpload();
    const url = `/v1/uploads/${upload.id}/complete`;
    expectError(await call('POST', url, { body: { part_ids: [] } }), 400, { param: 'part_ids', code: 'empty_array' });
    expectError(await call('POST', url, { body: {} }), 400, { param: 'part_ids', code: 'missing_required_parameter' });
    expectError(await call('POST', url, { body: { part_ids: [1] } }), 400, { param: 'part_ids[0]', code: 'invalid_type' });
    expectError(await call('POST', url, { body: { part_ids: ['part_1'], order: 'asc' } }), 400, {
      message: 'Unrecognized request argument supplied: order',
    });
  });

  it.each(['completed', 'cancelled', 'expired'])('answers 400 once the upload is %s', async (status) => {
    const upload = await createUpload({ bytes: 3 });
    const part = await addPart(upload.id, 'abc');
    const complete = () => call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: [part.id] } });
    if (status === 'completed') expect((await complete()).status).toBe(200);
    else if (status === 'cancelled') expect((await call('POST', `/v1/uploads/${upload.id}/cancel`)).status).toBe(200);
    else emulator.clock.setOffsetSeconds(3600);
    expectError(await complete(), 400, { message: `Cannot complete upload with status '${status}'.` });
  });

  it('answers 404 for an unknown upload', async () => {
    const res = await call('POST', '/v1/uploads/upload_unknown/complete', { body: { part_ids: ['part_1'] } });
    expectError(res, 404, { message: 'No such Upload object: upload_unknown' });
  });
});

describe('POST /v1/uploads/{id}/cancel', () => {
  it('cancels a pending upload and returns it', async () => {
    const upload = await createUpload();
    const res = await call('POST', `/v1/uploads/${upload.id}/cancel`);
    expect(res.status).toBe(200);
    expect(uploadSchema.parse(res.json)).toMatchObject({ id: upload.id, status: 'cancelled', file: null });
  });

  it.each([
    ['no body', {}],
    ['an empty body labelled JSON', { body: '', headers: { 'content-type': 'application/json' } }],
    ['an empty JSON object', { body: {} }],
    ['a body that is not JSON', { body: 'whatever', headers: { 'content-type': 'text/plain' } }],
  ])('accepts %s', async (_label, options) => {
    const upload = await createUpload();
    expect((await call('POST', `/v1/uploads/${upload.id}/cancel`, options)).status).toBe(200);
  });

  it('answers 400 when cancelled twice, and for a completed upload', async () => {
    const upload = await createUpload({ bytes: 3 });
    await call('POST', `/v1/uploads/${upload.id}/cancel`);
    expectError(await call('POST', `/v1/uploads/${upload.id}/cancel`), 400, { message: "Cannot cancel upload with status 'cancelled'." });

    const done = await createUpload({ bytes: 3 });
    const part = await addPart(done.id, 'abc');
    await call('POST', `/v1/uploads/${done.id}/complete`, { body: { part_ids: [part.id] } });
    expectError(await call('POST', `/v1/uploads/${done.id}/cancel`), 400, { message: "Cannot cancel upload with status 'completed'." });
  });

  it('answers 404 for an unknown upload, never 409', async () => {
    const res = await call('POST', '/v1/uploads/upload_0123456789abcdef0123456789abcdef/cancel');
    expectError(res, 404, { message: 'No such Upload object: upload_0123456789abcdef0123456789abcdef', param: null, code: null });
  });
});

describe('lazy expiry', () => {
  it('keeps an upload pending until an hour has passed, then it is expired for good', async () => {
    const upload = await createUpload();
    const setOffset = (offset_seconds: number) => call('POST', '/__emulator/clock', { body: { offset_seconds } });

    expect((await setOffset(3599)).json).toEqual({ ok: true, offset_seconds: 3599, now: TEST_EPOCH_SECONDS + 3599 });
    const stillPending = await createUpload();
    expect(stillPending.created_at).toBe(TEST_EPOCH_SECONDS + 3599);
    expectError(await call('POST', `/v1/uploads/${upload.id}/complete`, { body: { part_ids: ['part_x'] } }), 400, {
      param: 'part_ids',
    });

    await setOffset(3600);
    expectError(await call('POST', `/v1/uploads/${upload.id}/cancel`), 400, { message: "Cannot cancel upload with status 'expired'." });
    // Persisted: moving the clock back does not revive it.
    await setOffset(0);
    expectError(await call('POST', `/v1/uploads/${upload.id}/cancel`), 400, { message: "Cannot cancel upload with status 'expired'." });
    expect((await call('POST', `/v1/uploads/${stillPending.id}/cancel`)).status).toBe(200);
  });
});

describe('control endpoints', () => {
  it('reports health', async () => {
    expect((await call('GET', '/__emulator/health')).json).toEqual({ ok: true });
  });

  it('validates the clock offset', async () => {
    expectError(await call('POST', '/__emulator/clock', { body: { offset_seconds: 'soon' } }), 400, { param: 'offset_seconds' });
    expectError(await call('POST', '/__emulator/clock', { body: {} }), 400, { param: 'offset_seconds' });
  });

  it('adds faults, validating them, and clears them', async () => {
    const added = await call('POST', '/__emulator/faults', { body: { operation: 'cancel', status: 503, count: 1 } });
    expect(added.json).toEqual({ ok: true, rule: { operation: 'cancel', status: 503, count: 1 } });
    expectError(await call('POST', '/__emulator/faults', { body: { operation: 'list', status: 500 } }), 400, { param: 'operation' });
    expectError(await call('POST', '/__emulator/faults', { body: { operation: 'any' } }), 400, {});
    expectError(await call('POST', '/__emulator/faults', { body: { operation: 'any', status: 200 } }), 400, { param: 'status' });
    expectError(await call('POST', '/__emulator/faults', { body: { operation: 'any', reset: true, status: 500 } }), 400, {});
    expect((await call('DELETE', '/__emulator/faults')).json).toEqual({ ok: true });
    const upload = await createUpload();
    expect((await call('POST', `/v1/uploads/${upload.id}/cancel`)).status).toBe(200);
  });

  it('offers nothing else under /__emulator', async () => {
    expectError(await call('GET', '/__emulator/faults'), 404, { message: 'Invalid URL (GET /__emulator/faults)' });
  });
});

describe('createEmulatorApp in-process', () => {
  it('serves app.request() without a port, and answers a reset fault it cannot perform with a bare 500', async () => {
    const partsDir = `${emulator.dir}/in-process-parts`;
    const state = openEmulatorState({ databasePath: ':memory:', partsDir });
    const faults = new FaultInjector();
    const logged: string[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (message: string) => logged.push(message) };
    const app = createEmulatorApp({ clock: new ManualClock(), apiKey: TEST_API_KEY, state, faults, logger });
    const headers = { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' };
    try {
      const created = await app.request('/v1/uploads', { method: 'POST', headers, body: JSON.stringify(validCreate) });
      expect(created.status).toBe(200);
      const { id } = (await created.json()) as { id: string };

      faults.add({ operation: 'cancel', reset: true });
      const reset = await app.request(`/v1/uploads/${id}/cancel`, { method: 'POST', headers });
      expect(reset.status).toBe(500);
      expect(await reset.json()).toEqual({ error: { message: messages.serverError, type: 'server_error', param: null, code: null } });
      expect(logged).toEqual(['emulator: unhandled error']);

      const cancelled = await app.request(`/v1/uploads/${id}/cancel`, { method: 'POST', headers });
      expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    } finally {
      state.close();
    }
  });
});
