// The official Node SDK (`openai` on npm), as its README shows it: `new OpenAI()` reads
// OPENAI_API_KEY and OPENAI_BASE_URL, default retries (2), default timeout.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import OpenAI, { APIError, BadRequestError, NotFoundError, toFile } from 'openai';
import { VERSION } from 'openai/version';
import { consoleControls } from './env.ts';
import { check, exitCode, expectAttempts, injectFault } from './lib/checks.ts';

const controls = consoleControls();
const client = new OpenAI();

const parts = [Buffer.from('{"prompt": "hello", "completion": "world"}\n'), Buffer.from('{"prompt": "ping", "completion": "pong"}\n')];
const content = Buffer.concat(parts);
const createParams = { purpose: 'fine-tune', filename: 'training_examples.jsonl', bytes: content.length, mime_type: 'text/jsonl' } as const;

/** The error a call rejects with (the test fails when it resolves). */
async function rejection(call: Promise<unknown>): Promise<unknown> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('value' in outcome) assert.fail(`expected an error, got ${JSON.stringify(outcome.value).slice(0, 300)}`);
  return outcome.error;
}

/** An APIError of `type` with the OpenAI envelope's four keys. */
function expectApiError<T extends APIError>(error: unknown, type: new (...args: never[]) => T, status: number): T {
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  assert.equal(error.status, status);
  assert.deepEqual(Object.keys(error.error as object).sort(), ['code', 'message', 'param', 'type'], 'the error envelope keys');
  return error;
}

await check('version', async () => `openai ${VERSION} on Node ${process.versions.node}`);

let completedId = '';
let upload: OpenAI.Uploads.Upload | undefined;
let partIds: string[] = [];
let cancelled: OpenAI.Uploads.Upload | undefined;

await check('create', async () => {
  upload = await client.uploads.create(createParams);
  assert.equal(upload.object, 'upload');
  assert.equal(upload.status, 'pending');
  assert.equal(upload.bytes, content.length);
  assert.match(upload.id, /^upload_/);
  return upload.id;
});

await check('parts', async () => {
  assert.ok(upload, 'no upload (create failed)');
  const id = upload.id;
  const added = await Promise.all(parts.map(async (bytes, i) => client.uploads.parts.create(id, { data: await toFile(bytes, `part-${i}.jsonl`) })));
  for (const part of added) {
    assert.equal(part.object, 'upload.part');
    assert.equal(part.upload_id, id);
  }
  partIds = added.map((part) => part.id);
  return `${partIds.length} parts`;
});

await check('complete', async () => {
  assert.ok(upload && partIds.length === 2, 'no parts (parts failed)');
  const md5 = createHash('md5').update(content).digest('hex');
  const completed = await client.uploads.complete(upload.id, { part_ids: partIds, md5 });
  assert.equal(completed.status, 'completed');
  assert.equal(completed.file?.object, 'file');
  assert.equal(completed.file?.bytes, content.length);
  assert.equal(completed.file?.purpose, 'fine-tune');
  completedId = completed.id;
  return `md5 ${md5}, ${completed.file?.id}`;
});

await check('cancel', async () => {
  const pending = await client.uploads.create(createParams);
  cancelled = await client.uploads.cancel(pending.id);
  assert.equal(cancelled.id, pending.id);
  assert.equal(cancelled.status, 'cancelled');
  return cancelled.id;
});

await check('cancel-again', async () => {
  assert.ok(cancelled, 'no cancelled upload (cancel failed)');
  const error = expectApiError(await rejection(client.uploads.cancel(cancelled.id)), BadRequestError, 400);
  assert.equal(error.message, "400 Cannot cancel upload with status 'cancelled'.");
  return 'BadRequestError 400';
});

await check('parts-after-cancel', async () => {
  assert.ok(cancelled, 'no cancelled upload (cancel failed)');
  const error = expectApiError(await rejection(client.uploads.parts.create(cancelled.id, { data: await toFile(parts[0]!, 'late.jsonl') })), BadRequestError, 400);
  return `BadRequestError 400: ${error.error ? (error.error as { message: string }).message : ''}`;
});

await check('complete-after-cancel', async () => {
  assert.ok(cancelled, 'no cancelled upload (cancel failed)');
  const error = expectApiError(await rejection(client.uploads.complete(cancelled.id, { part_ids: partIds })), BadRequestError, 400);
  return `BadRequestError 400: ${(error.error as { message: string }).message}`;
});

await check('complete-again', async () => {
  assert.ok(completedId, 'no completed upload (complete failed)');
  expectApiError(await rejection(client.uploads.complete(completedId, { part_ids: partIds })), BadRequestError, 400);
  return 'BadRequestError 400';
});

await check('not-found', async () => {
  const error = expectApiError(await rejection(client.uploads.cancel('upload_0123456789abcdef0123456789abcdef')), NotFoundError, 404);
  assert.match(error.requestID ?? '', /\S/, 'x-request-id');
  return `NotFoundError 404 (${(error.error as { message: string }).message})`;
});

await check('create-without-bytes', async () => {
  // TypeScript would refuse this call; plain JavaScript users can still make it.
  const { bytes: _bytes, ...withoutBytes } = createParams;
  const error = expectApiError(await rejection(client.uploads.create(withoutBytes as unknown as OpenAI.Uploads.UploadCreateParams)), BadRequestError, 400);
  assert.equal(error.param, 'bytes');
  return `BadRequestError 400 param=bytes`;
});

await check('retry-429', async () => {
  await injectFault(controls, { operation: 'create', status: 429, retry_after: 1 });
  const started = performance.now();
  const { result, after } = await expectAttempts(controls, 'create', 2, () => client.uploads.create(createParams));
  const waited = performance.now() - started;
  assert.equal(result.status, 'pending');
  assert.equal(after.last_retry_count, '1', 'x-stainless-retry-count of the retry');
  assert.ok(waited >= 900, `retried after ${waited.toFixed(0)} ms, before the 1 s retry-after`);
  return `succeeded on attempt 2 after ${waited.toFixed(0)} ms`;
});

await check('retry-503', async () => {
  const pending = await client.uploads.create(createParams);
  await injectFault(controls, { operation: 'cancel', status: 503 });
  const { result } = await expectAttempts(controls, 'cancel', 2, () => client.uploads.cancel(pending.id));
  assert.equal(result.status, 'cancelled');
  return 'cancel succeeded on attempt 2';
});

process.exitCode = exitCode();
