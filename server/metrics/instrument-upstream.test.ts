// The timed upstream client, against the real emulator over HTTP: each call lands in the
// histogram under its operation and the status it got, or what kept it from getting one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '#server/emulator/server.ts';
import { freePort } from '#server/test-support/server-process.ts';
import { parsePrometheusText } from '#server/test-support/prometheus-text.ts';
import { createUpstreamClient } from '#server/upstream/openai-client.ts';
import { createConsoleMetrics } from './console-metrics.ts';
import { instrumentUpstream, operationOfPath } from './instrument-upstream.ts';

const KEY = 'sk-emulator-metrics-test-0123456789';
let emulator: Awaited<ReturnType<typeof startEmulator>>;
let partsDir: string;

beforeAll(async () => {
  partsDir = mkdtempSync(join(tmpdir(), 'uc-metrics-'));
  emulator = await startEmulator({ port: 0, apiKey: KEY, databasePath: ':memory:', partsDir });
});
afterAll(async () => {
  await emulator.close();
  rmSync(partsDir, { recursive: true, force: true });
});

function timedClient(baseUrl = emulator.url) {
  const metrics = createConsoleMetrics();
  const client = instrumentUpstream(createUpstreamClient({ baseUrl, apiKey: KEY, timeoutMs: 500 }), metrics);
  const count = async (operation: string, status: string) =>
    parsePrometheusText((await metrics.render()).body).value('uploads_console_upstream_request_duration_seconds_count', { operation, status });
  return { client, metrics, count };
}

describe('the timed upstream client', () => {
  it("times the console's own calls by operation, 200 on success and the upstream's status on an error", async () => {
    const { client, count } = timedClient();
    try {
      const { object: upload } = await client.createUpload({ filename: 'm.jsonl', purpose: 'batch', bytes: 3, mime_type: 'application/jsonl' });
      const { object: part } = await client.addPart(upload.id, new Blob([Buffer.from('abc')]));
      await client.completeUpload(upload.id, { part_ids: [part.id] });
      // Completed: OpenAI refuses the cancel with a 400.
      await expect(client.cancelUpload(upload.id)).rejects.toMatchObject({ kind: 'http', status: 400 });
      expect(await count('create', '200')).toBe(1);
      expect(await count('parts', '200')).toBe(1);
      expect(await count('complete', '200')).toBe(1);
      expect(await count('cancel', '400')).toBe(1);
      expect(client.baseUrl).toBe(emulator.url);
    } finally {
      await client.close();
    }
  });

  it('times forwarded calls by the operation of their path and the status passed back', async () => {
    const { client, count } = timedClient();
    try {
      const created = await client.forward({ path: '/uploads', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ filename: 'f.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' })) });
      expect(created.status).toBe(200);
      const missing = await client.forward({ path: '/uploads/upload_nosuch/cancel', headers: {}, body: null });
      expect(missing.status).toBe(404);
      expect(await count('create', '200')).toBe(1);
      expect(await count('cancel', '404')).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('says what kept a call from an answer: unreachable, timeout', async () => {
    const closed = timedClient(`http://127.0.0.1:${await freePort()}/v1`);
    const slow = timedClient();
    emulator.faults.add({ operation: 'cancel', delay_ms: 1_500, count: 1 });
    try {
      await expect(closed.client.cancelUpload('upload_abc')).rejects.toMatchObject({ kind: 'unreachable' });
      await expect(slow.client.cancelUpload('upload_abc')).rejects.toMatchObject({ kind: 'timeout' });
      expect(await closed.count('cancel', 'unreachable')).toBe(1);
      expect(await slow.count('cancel', 'timeout')).toBe(1);
    } finally {
      await closed.client.close();
      await slow.client.close();
    }
  });

  it('reads the operation from a forwarded path', () => {
    expect(['/uploads', '/uploads/upload_a/parts', '/uploads/upload_a/complete', '/uploads/upload_a/cancel', '/files'].map(operationOfPath)).toEqual(['create', 'parts', 'complete', 'cancel', 'other']);
  });
});
