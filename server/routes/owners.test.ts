// Issue 12, owners: every upload records the client it came through (its token's name) and the
// software the request named, from each kind of client, over real HTTP through the proxy.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema, clientListSchema, timelineSchema, uploadListSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { errorEnvelopeSchema, uploadSchema, type Upload } from '#contract/uploads.ts';
import { CLIENT_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';

const run = promisify(execFile);
const TEAM_B_TOKEN = 'team-b-client-token-for-tests-012345';
const BOT_TOKEN = 'ingest-bot-client-token-for-tests-01';
const OPENAI_NODE_VERSION = '6.49.0'; // package-lock.json

let h: Harness;
let sdk: OpenAI;
beforeAll(async () => {
  h = await startHarness({
    listen: true,
    moreClients: [
      { name: 'team-b', token: TEAM_B_TOKEN },
      { name: 'ingest-bot', token: BOT_TOKEN },
    ],
  });
  sdk = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
});
afterAll(() => h.close());

const record = async (id: string) => uploadRecordSchema.parse(await (await h.api(`/api/uploads/${id}`)).json());
const createBody = (filename: string) => JSON.stringify({ filename, purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });

/** A create through the proxy with curl itself, as its users write it. */
async function curlCreate(token: string, filename: string): Promise<Upload> {
  const { stdout } = await run('curl', ['-sS', `${h.origin}/v1/uploads`, '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/json', '-d', createBody(filename)]);
  return uploadSchema.parse(JSON.parse(stdout));
}

/** A create with no User-Agent and no SDK header at all (node:http adds none). */
function bareCreate(token: string, filename: string): Promise<Upload> {
  const body = createBody(filename);
  return new Promise((resolve, reject) => {
    const req = request(`${h.origin}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(uploadSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('owners: the client each upload came through', () => {
  it("records the Node SDK's name and version from its own headers, through create, parts and complete", async () => {
    const upload = await sdk.uploads.create({ filename: 'owned-by-sdk.jsonl', purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });
    expect((await record(upload.id)).client).toEqual({ name: 'sdk', sdk: `node ${OPENAI_NODE_VERSION}` });
    const part = await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.from('hello'), 'p0') });
    // Another client completes it: the creator stays the owner.
    const other = new OpenAI({ apiKey: TEAM_B_TOKEN, baseURL: `${h.origin}/v1`, maxRetries: 0 });
    await other.uploads.complete(upload.id, { part_ids: [part.id] });
    expect(await record(upload.id)).toMatchObject({ status: 'completed', client: { name: 'sdk', sdk: `node ${OPENAI_NODE_VERSION}` } });
    // The timeline says which client created it.
    const timeline = timelineSchema.parse(await (await h.api(`/api/uploads/${upload.id}/timeline`)).json()).data;
    expect(timeline.map((e) => e.message)).toEqual(['Created by client:sdk', expect.stringMatching(/^Part .* received/), 'Completed']);
  });

  it("records curl by its User-Agent", async () => {
    const { stdout: version } = await run('curl', ['--version']);
    const curl = /^curl (\S+)/.exec(version)![1]!;
    const upload = await curlCreate(BOT_TOKEN, 'owned-by-curl.jsonl');
    expect((await record(upload.id)).client).toEqual({ name: 'ingest-bot', sdk: `curl/${curl}` });
  });

  it('records only the token name when the request names no software', async () => {
    const upload = await bareCreate(TEAM_B_TOKEN, 'owned-anonymously.jsonl');
    expect((await record(upload.id)).client).toEqual({ name: 'team-b', sdk: null });
  });

  it('leaves an upload seen only through a cancel by id without a client, and its audit entry too', async () => {
    const direct = await h.upstream.createUpload({ filename: 'from-a-log.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' });
    await h.api(`/api/uploads/${direct.object.id}/cancel`, { method: 'POST' });
    expect(await record(direct.object.id)).toMatchObject({ seen_via: 'cancel', client: null });
    const audit = auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${direct.object.id}`)).json()).data;
    expect(audit).toMatchObject([{ source: 'by_id', client: null }]);
  });

  it("puts the owner on an operator's cancel in the audit log and its CSV", async () => {
    const upload = await sdk.uploads.create({ filename: 'audited-owner.jsonl', purpose: 'batch', bytes: 5, mime_type: 'application/jsonl' });
    await h.api(`/api/uploads/${upload.id}/cancel`, { method: 'POST' });
    const [entry] = auditListSchema.parse(await (await h.api(`/api/audit?upload_id=${upload.id}`)).json()).data;
    expect(entry).toMatchObject({ actor: 'alice', client: { name: 'sdk', sdk: `node ${OPENAI_NODE_VERSION}` } });
    const csv = (await (await h.api(`/api/audit/export.csv?upload_id=${upload.id}`)).text()).split('\r\n');
    expect(csv[0]).toMatch(/,client,client_sdk$/);
    expect(csv[1]).toMatch(new RegExp(`,sdk,node ${OPENAI_NODE_VERSION.replaceAll('.', '\\.')}$`));
  });
});

describe('the client filter and the per-client counts', () => {
  it('lists only one client’s uploads, page by page with the cursor, and keeps the filter in each page', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await bareCreate(BOT_TOKEN, `bot-paged-${i}.jsonl`)).id);
    await bareCreate(TEAM_B_TOKEN, 'not-the-bot.jsonl');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await h.api(`/api/uploads?client=ingest-bot&q=bot-paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = uploadListSchema.parse(await res.json());
      expect(page.data.every((r) => r.client?.name === 'ingest-bot')).toBe(true);
      seen.push(...page.data.map((r) => r.upload.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...mine].sort());
    expect(uploadListSchema.parse(await (await h.api('/api/uploads?client=nobody')).json()).data).toEqual([]);
  });

  it('refuses a blank or overlong client filter with a 400 naming it', async () => {
    for (const value of ['%20%20', 'x'.repeat(65)]) {
      const res = await h.api(`/api/uploads?client=${value}`);
      expect(res.status).toBe(400);
      expect(errorEnvelopeSchema.parse(await res.json()).error.param).toBe('client');
    }
  });

  it("answers each client's pending, stuck and total uploads, by name", async () => {
    const before = clientListSchema.parse(await (await h.api('/api/clients')).json()).data;
    const fresh = await bareCreate(TEAM_B_TOKEN, 'counted.jsonl');
    const after = clientListSchema.parse(await (await h.api('/api/clients')).json()).data;
    expect(after.map((c) => c.name)).toEqual(['ingest-bot', 'sdk', 'team-b']);
    const teamB = (list: typeof after) => list.find((c) => c.name === 'team-b') ?? { pending: 0, stuck: 0, total: 0 };
    expect(teamB(after)).toMatchObject({ pending: teamB(before).pending + 1, total: teamB(before).total + 1 });
    // Ten idle minutes later every pending upload is stuck.
    h.clock.setOffsetSeconds(h.clock.offsetSeconds + 11 * 60);
    const later = clientListSchema.parse(await (await h.api('/api/clients')).json()).data;
    h.clock.setOffsetSeconds(h.clock.offsetSeconds - 11 * 60);
    expect(teamB(later).stuck).toBe(teamB(later).pending);
    expect(teamB(later).stuck).toBeGreaterThan(0);
    expect(teamB(later).pending).toBe(teamB(after).pending);
    expect((await record(fresh.id)).stuck).toBeNull();
  });
});
