// Cleanup policies across restarts of the real server process: a run cut off by SIGKILL is
// resumed by the next start and still audited as the policy's, each upload once; the policy, its
// run and the global pause are still there after a restart, and a paused console starts no run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { policyListSchema } from '#contract/policies.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { freePort, startServerProcess, type ServerProcess } from '#server/test-support/server-process.ts';

const ADMIN = 'policy-restart-admin-token-0123456789';
const CLIENT = 'policy-restart-client-token-0123456789';
const KEY = 'sk-emulator-policy-restart-0123456789';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uc-policy-restart-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({
  DATABASE_PATH: join(dir, 'console.sqlite'),
  ADMIN_TOKEN: ADMIN,
  CLIENT_TOKENS: `sdk:${CLIENT}`,
  EMULATOR_API_KEY: KEY,
  BULK_CONCURRENCY: '1',
  // Stuck after 3 s without a part; a round every second.
  STUCK_AFTER_MINUTES: '0.05',
  POLICY_INTERVAL_SECONDS: '1',
  UPSTREAM_TIMEOUT_MS: '5000',
});
const api = (server: ServerProcess, path: string, init: RequestInit = {}) =>
  fetch(`${server.origin}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
const policyAudit = async (server: ServerProcess) => auditListSchema.parse(await (await api(server, '/api/audit?source=policy&limit=500')).json()).data;
const statusOf = async (server: ServerProcess, id: string) => uploadRecordSchema.parse(await (await api(server, `/api/uploads/${id}`)).json()).status;

describe('policies across a restart', () => {
  it('resume a run SIGKILL cut off, keep the policy, its run and the pause, and start nothing while paused', async () => {
    const port = await freePort();
    let server = await startServerProcess(env(), port);
    try {
      const sdk = new OpenAI({ apiKey: CLIENT, baseURL: `${server.origin}/v1`, maxRetries: 0 });
      const targets: string[] = [];
      for (let i = 0; i < 6; i++) targets.push((await sdk.uploads.create({ filename: `sweep-${i}.jsonl`, purpose: 'batch', bytes: 8, mime_type: 'application/jsonl' })).id);
      // Slow cancels, one at a time: the run is still going when the process is killed.
      await fetch(`${server.emulatorOrigin}/__emulator/faults`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'cancel', delay_ms: 400, count: null }) });
      await new Promise((resolve) => setTimeout(resolve, 3_200));
      const created = await api(server, '/api/policies', { method: 'POST', headers: { 'x-requested-with': 'uploads-console' }, body: JSON.stringify({ name: 'restart sweep', stuck: true }) });
      expect(created.status).toBe(201);
      await eventually(async () => expect((await policyAudit(server)).length).toBeGreaterThanOrEqual(1), 10_000, 50);
      server.child.kill('SIGKILL');
      await server.exited;

      server = await startServerProcess(env(), port);
      for (const id of targets) await eventually(async () => expect(await statusOf(server, id)).toBe('cancelled'), 15_000, 100);
      const audit = (await policyAudit(server)).filter((e) => e.outcome === 'cancelled');
      expect(audit.map((e) => e.upload_id).sort()).toEqual([...targets].sort()); // each once, all the policy's
      expect(audit.every((e) => e.actor === 'restart sweep' && e.reason === 'restart sweep')).toBe(true);
      const [policy] = await eventually(async () => {
        const list = policyListSchema.parse(await (await api(server, '/api/policies')).json());
        expect(list.data[0]?.runs[0]?.finished_at).not.toBeNull();
        return list.data;
      }, 10_000, 100);
      expect(policy).toMatchObject({ name: 'restart sweep', enabled: true });
      expect(policy!.runs[0]).toMatchObject({ matched: 6, cancelled: 6 });

      // Paused, then restarted (SIGTERM): still paused, and a newly stuck upload is left alone.
      const paused = await api(server, '/api/policies/pause', { method: 'PUT', headers: { 'x-requested-with': 'uploads-console' }, body: JSON.stringify({ paused: true }) });
      expect(paused.status).toBe(200);
      server.child.kill('SIGTERM');
      await server.exited;
      server = await startServerProcess(env(), port);
      const list = policyListSchema.parse(await (await api(server, '/api/policies')).json());
      expect(list.pause).toMatchObject({ paused: true, changed_by: 'admin' });
      expect(list.data.map((p) => p.name)).toEqual(['restart sweep']);
      const later = await new OpenAI({ apiKey: CLIENT, baseURL: `${server.origin}/v1`, maxRetries: 0 }).uploads.create({ filename: 'left.jsonl', purpose: 'batch', bytes: 8, mime_type: 'application/jsonl' });
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(await statusOf(server, later.id)).toBe('pending');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);
});
