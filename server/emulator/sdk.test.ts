// Proof that the official Node SDK speaks to the emulator as it would to api.openai.com.
import { createHash } from 'node:crypto';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError, RateLimitError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, TEST_API_KEY, type TestEmulator } from './test-support.ts';

let emulator: TestEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startTestEmulator();
  client = new OpenAI({ apiKey: TEST_API_KEY, baseURL: emulator.url, maxRetries: 0 });
});
afterAll(() => emulator.stop());

describe('the official openai SDK', () => {
  it('creates an upload, adds two parts and completes it', async () => {
    const first = Buffer.from('{"prompt": "a"}\n');
    const second = Buffer.from('{"prompt": "b"}\n');
    const upload = await client.uploads.create({
      filename: 'train.jsonl',
      purpose: 'fine-tune',
      bytes: first.length + second.length,
      mime_type: 'text/jsonl',
      expires_after: { anchor: 'created_at', seconds: 86_400 },
    });
    expect(upload).toMatchObject({ object: 'upload', status: 'pending', file: null });

    const parts = await Promise.all(
      [first, second].map(async (bytes, i) => client.uploads.parts.create(upload.id, { data: await toFile(bytes, `part-${i}.jsonl`) })),
    );
    expect(parts.map((p) => p.upload_id)).toEqual([upload.id, upload.id]);

    const completed = await client.uploads.complete(upload.id, {
      part_ids: parts.map((p) => p.id),
      md5: createHash('md5').update(Buffer.concat([first, second])).digest('hex'),
    });
    expect(completed.status).toBe('completed');
    expect(completed.file).toMatchObject({ object: 'file', bytes: first.length + second.length, purpose: 'fine-tune', status: 'processed' });
    expect(completed.file?.expires_at).toBe((completed.file?.created_at ?? 0) + 86_400);
  });

  it('cancels an upload, and refuses a second cancel with BadRequestError', async () => {
    const upload = await client.uploads.create({ filename: 'img.png', purpose: 'vision', bytes: 10, mime_type: 'image/png' });
    const cancelled = await client.uploads.cancel(upload.id);
    expect(cancelled).toMatchObject({ id: upload.id, status: 'cancelled' });

    const error = await client.uploads.cancel(upload.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toMatchObject({ message: "Cannot cancel upload with status 'cancelled'." });
  });

  it('raises NotFoundError, with the request id, when cancelling an unknown upload', async () => {
    const error = await client.uploads.cancel('upload_0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).requestID).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('raises AuthenticationError for a wrong key', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-0000000000', baseURL: emulator.url, maxRetries: 0 });
    const error = await wrong.uploads.create({ filename: 'a', purpose: 'user_data', bytes: 1, mime_type: 'text/plain' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('invalid_api_key');
  });

  it('raises RateLimitError for an injected 429, and retries through it when allowed', async () => {
    emulator.faults.add({ operation: 'create', status: 429, retry_after: 0.05 });
    const params = { filename: 'a.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' } as const;
    expect(await client.uploads.create(params).catch((e: unknown) => e)).toBeInstanceOf(RateLimitError);

    emulator.faults.add({ operation: 'create', status: 429, retry_after: 0.05 });
    const retrying = new OpenAI({ apiKey: TEST_API_KEY, baseURL: emulator.url, maxRetries: 1 });
    expect((await retrying.uploads.create(params)).status).toBe('pending');
  });
});
