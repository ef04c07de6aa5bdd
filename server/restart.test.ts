// Restarts: SIGKILL in the middle of a bulk cancel and of SDK traffic loses no recorded
// upload, the job resumes with exactly what was left, and nothing is recorded twice. SIGTERM
// lets in-flight requests finish before the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, bulkCancelJobSchema, uploadListSchema } from '#contract/dashboard-api.ts';
import { freePort, startServerProcess, type ServerProcess } from './test-support/server-process.ts';

const ADMIN = 'restart-admin-token-0123456789';
const CLIENT = 'restart-client-token-0123456789';
const KEY = 'sk-emulator-restart-0123456789';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uc-restart-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (name: string) => ({
  DATABASE_PATH: join(dir, name, 'console.sqlite'),
  ADMIN_TOKEN: ADMIN,
  CLIENT_TOKENS: `sdk:${CLIENT}`,
  EMULATOR_API_KEY: KEY,
  BULK_CONCURRENCY: '2',
  UPSTREAM_TIMEOUT_MS: '5000',
});
const api = (server: ServerProcess, path: string, init: RequestInit = {}) =>
  fetch(`${server.origin}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
const fault = (server: ServerProcess, rule: object) =>
  fetch(`${server.emulatorOrigin}/__emulator/faults`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(rule) });

async function allUploads(server: ServerProcess) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = uploadListSchema.parse(await (await api(server, `/api/uploads?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json());
    ids.push(...page.data.map((r) => r.upload.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

describe('SIGKILL', () => {
  it('mid bulk cancel and mid SDK traffic: nothing recorded is lost, the job finishes what was left, nothing twice', async () => {
    const port = await freePort();
    let server = await startServerProcess(env('kill'), port);
    const sdk = new OpenAI({ apiKey: CLIENT, baseURL: `${server.origin}/v1`, maxRetries: 0 });
    const targets: string[] = [];
    for (let i = 0; i < 16; i++) targets.push((await sdk.uploads.create({ filename: `kill-${i}.jsonl`, purpose: 'batch', bytes: 8, mime_type: 'application/jsonl' })).id);
    await fault(server, { operation: 'cancel', delay_ms: 150, count: null });
    const job = bulkCancelJobSchema.parse(await (await api(server, '/api/bulk-cancels', { method: 'POST', headers: { 'x-requested-with': 'uploads-console' }, body: JSON.stringify({ ids: targets }) })).json());

    // SDK traffic keeps going while the job runs; each upload the client was told about must survive.
    const acknowledged: string[] = [];
    let traffic = true;
    const trafficDone = (async () => {
      while (traffic) {
        try {
          const upload = await sdk.uploads.create({ filename: 'traffic.jsonl', purpose: 'batch', bytes: 4, mime_type: 'application/jsonl' });
          acknowledged.push(upload.id);
          await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('abcd'), 'p') });
        } catch {
          traffic = false; // the server is gone
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 700));
    server.child.kill('SIGKILL');
    await server.exited;
    traffic = false;
    await trafficDone;
    expect(acknowledged.length).toBeGreaterThan(0);

    server = await startServerProcess(env('kill'), port);
    try {
      let final = job;
      for (let i = 0; i < 100 && final.state !== 'done'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        final = bulkCancelJobSchema.parse(await (await api(server, `/api/bulk-cancels/${job.id}`)).json());
      }
      expect(final.state).toBe('done');
      expect(final.total).toBe(16);
      expect(final.progress.pending).toBe(0);
      expect(final.progress.cancelled).toBe(16); // an item cut off mid-call is confirmed, not counted as someone else's
      const recorded = new Set(await allUploads(server));
      for (const id of [...targets, ...acknowledged]) expect(recorded.has(id), id).toBe(true);
      const audit = auditListSchema.parse(await (await api(server, `/api/audit?limit=500&source=bulk`)).json()).data.filter((e) => e.job_id === job.id);
      expect(audit.map((e) => e.upload_id).sort()).toEqual([...targets].sort()); // one entry per upload, none twice
      expect(/resuming bulk cancel/.test(server.output())).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);
});

describe('SIGTERM', () => {
  it('lets an in-flight request finish, then exits cleanly', async () => {
    const port = await freePort();
    const server = await startServerProcess(env('term'), port);
    const sdk = new OpenAI({ apiKey: CLIENT, baseURL: `${server.origin}/v1`, maxRetries: 0 });
    const upload = await sdk.uploads.create({ filename: 'drain.jsonl', purpose: 'batch', bytes: 8, mime_type: 'application/jsonl' });
    await fault(server, { operation: 'cancel', delay_ms: 1500 });
    const inFlight = api(server, `/api/uploads/${upload.id}/cancel`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing in-flight requests/);
  }, 60_000);
});
