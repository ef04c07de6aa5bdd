import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '#server/emulator/server.ts';
import { createUpstreamClient, type UpstreamClient } from './openai-client.ts';
import { UpstreamError } from './upstream-error.ts';

const KEY = 'sk-emulator-client-test-0123456789';
let emulator: Awaited<ReturnType<typeof startEmulator>>;
let client: UpstreamClient;
let partsDir: string;

beforeAll(async () => {
  partsDir = mkdtempSync(join(tmpdir(), 'uc-client-'));
  emulator = await startEmulator({ port: 0, apiKey: KEY, databasePath: ':memory:', partsDir });
  client = createUpstreamClient({ baseUrl: emulator.url, apiKey: KEY, timeoutMs: 800, organization: 'org-test', project: 'proj-test' });
});
afterAll(async () => {
  await client.close();
  await emulator.close();
  rmSync(partsDir, { recursive: true, force: true });
});

describe('the upstream client, against the emulator over HTTP', () => {
  it('runs create → part → complete and parses each object', async () => {
    const { object: upload, requestId } = await client.createUpload({ filename: 'a.jsonl', purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });
    expect(requestId).toMatch(/^req_/);
    const { object: part } = await client.addPart(upload.id, new Blob([Buffer.from('hello')]));
    expect(part).toMatchObject({ object: 'upload.part', upload_id: upload.id });
    const { object: done } = await client.completeUpload(upload.id, { part_ids: [part.id] });
    expect(done.status).toBe('completed');
    expect(done.file?.bytes).toBe(5);
  });

  it('turns an error answer into a typed error carrying the envelope and headers', async () => {
    emulator.faults.add({ operation: 'cancel', status: 429, retry_after: 2 });
    const error = await client.cancelUpload('upload_abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'http', status: 429, headers: { 'retry-after': '2' } });
    expect((error as UpstreamError).envelope.error.code).toBe('rate_limit_exceeded');
  });

  it('tells a timeout from an unreachable upstream', async () => {
    emulator.faults.add({ operation: 'cancel', delay_ms: 1500 });
    await expect(client.cancelUpload('upload_abc')).rejects.toMatchObject({ kind: 'timeout' });
    const nowhere = createUpstreamClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: KEY, timeoutMs: 800 });
    await expect(nowhere.cancelUpload('upload_abc')).rejects.toMatchObject({ kind: 'unreachable' });
    await nowhere.close();
  });

  it('refuses to put an invalid id into an upstream URL', async () => {
    await expect(client.cancelUpload('../files')).rejects.toThrow(/invalid upload id/);
    await expect(client.addPart('upload_a/../../x', new Blob(['x']))).rejects.toThrow(/invalid upload id/);
  });
});
