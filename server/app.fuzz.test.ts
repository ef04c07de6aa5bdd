// Thousands of generated requests, hostile and malformed, at every route a client can reach.
// Whatever comes in: never a 5xx, every error is the OpenAI envelope, no secret is echoed, the
// server keeps serving, and a request the console refuses changes nothing it has recorded (any
// row of any table) and tells live dashboards nothing.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import type { Logger } from './lib/logger.ts';
import { CLIENT_TOKEN, EMULATOR_KEY, OPERATOR_TOKEN, READ_ONLY_TOKEN, startHarness, type Harness } from './test-support/harness.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const logLines: string[] = [];
const capturing: Logger = {
  info: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
};

let h: Harness;
let dir: string;
/** A second, read-only connection to the store's file: it sees every committed row, whatever its table. */
let reader: Database.Database;
let knownId: string;
let liveEvents = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uc-fuzz-'));
  h = await startHarness({ log: capturing, timeoutMs: 1000, databasePath: join(dir, 'console.sqlite') });
  reader = new Database(join(dir, 'console.sqlite'), { readonly: true });
  h.feed.on('upload', () => liveEvents++);
  h.feed.on('job', () => liveEvents++);
  const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'seed.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
  knownId = ((await res.json()) as { id: string }).id;
  // A part, and another upload whose cancel is in doubt, so bytes_received and cancel_unknown_since
  // hold values a stray write would change.
  const form = new FormData();
  form.append('data', new Blob([Buffer.from('abcd')]), 'p');
  expect((await h.v1(`/uploads/${knownId}/parts`, { body: form })).status).toBe(200);
  const doubtful = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'doubt.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
  h.emulator.faults.add({ operation: 'cancel', delay_ms: 1100, count: 3 });
  expect((await h.api(`/api/uploads/${((await doubtful.json()) as { id: string }).id}/cancel`, { method: 'POST' })).status).toBe(504);
  h.emulator.faults.clear();
  // The last attempt is still being held by the emulator: let it land before the run starts.
  await new Promise((resolve) => setTimeout(resolve, 1_200));
}, 30_000);
afterAll(async () => {
  reader.close();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const hostileId = fc.oneof(
  fc.constantFrom('../', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'upload_ok123', 'upload_', 'upload_a/b', 'upload_%00', 'upload_ü', 'UPLOAD_X', 'file-abc', '', ' ', 'upload_a?b=c', 'upload_a#x', '%', '%%', '%zz'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
  fc.integer({ min: 1, max: 12_000 }).map((n) => `upload_${'a'.repeat(n)}`),
  fc.constant('KNOWN'),
);

const pathTemplate = fc.constantFrom(
  '/api/uploads',
  '/api/uploads/{id}',
  '/api/uploads/{id}/cancel',
  '/api/uploads/{id}/timeline',
  '/api/bulk-cancels',
  '/api/bulk-cancels/preview',
  '/api/bulk-cancels/{id}',
  '/api/audit',
  '/api/audit/export.csv',
  '/api/session',
  '/api/policies',
  '/api/policies/{id}',
  '/api/policies/preview',
  '/api/policies/pause',
  '/api/policies/changes',
  '/api/{id}',
  '/v1/uploads',
  '/v1/uploads/{id}',
  '/v1/uploads/{id}/parts',
  '/v1/uploads/{id}/complete',
  '/v1/uploads/{id}/cancel',
  '/v1/{id}',
  '/',
  '/login',
  '/{id}',
);

const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('pending', 'true', 'false', '-1', '0', '1e309', 'NaN', '500', '501', 'created_at', 'asc', 'upload_', '%'), fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)));
const query = fc.array(fc.tuple(fc.constantFrom('status', 'stuck', 'purpose', 'q', 'older_than', 'newer_than', 'sort', 'order', 'cursor', 'limit', 'actor', 'outcome', 'source', 'upload_id', 'state', 'token', 'junk'), queryValue), { maxLength: 5 });

const jsonBody = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('{', 'null', '[]', '""', '{"token":', '\u0000', '{"ids":["upload_a"],"filter":{}}', '{"ids":[]}', '{"filter":{"status":"nope"}}', '{"filename":"a","purpose":"batch","bytes":1,"mime_type":"application/jsonl"}', '{"part_ids":["part_x"]}', '{"reason":"x"}', '{"name":"fuzz","stuck":true}', '{"stuck":true,"stuck_after_minutes":5}', '{"older_than_minutes":60,"purpose":"batch"}', '{"paused":true}', '{"enabled":false}'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ ids: fc.array(hostileId, { maxLength: 4 }), reason: fc.string({ maxLength: 20 }) }).map((v) => JSON.stringify(v)),
  fc.record({ filter: fc.record({ status: fc.string({ maxLength: 10 }), q: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }) }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => JSON.stringify({ token: 'y'.repeat(n) })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

// Mostly valid credentials, so most requests get past the door and reach the routes behind it.
const authorization = fc.constantFrom(
  `Bearer ${OPERATOR_TOKEN}`,
  `Bearer ${OPERATOR_TOKEN}`,
  `Bearer ${OPERATOR_TOKEN}`,
  `Bearer ${CLIENT_TOKEN}`,
  `Bearer ${CLIENT_TOKEN}`,
  `Bearer ${CLIENT_TOKEN}`,
  undefined,
  `Bearer ${OPERATOR_TOKEN}`,
  `Bearer ${READ_ONLY_TOKEN}`,
  `Bearer ${CLIENT_TOKEN}`,
  `Bearer ${EMULATOR_KEY}`,
  'Bearer',
  'Basic abc',
  `Bearer ${'z'.repeat(5000)}`,
  'bearer   spaced   out',
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  template: pathTemplate,
  id: hostileId,
  query,
  body: jsonBody,
  authorization,
  contentType: fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=x', 'multipart/form-data', 'application/x-www-form-urlencoded', 'garbage/!!'),
  csrf: fc.boolean(),
  address: fc.integer({ min: 1, max: 100_000 }).map((n) => `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`),
});

/** Everything recorded (every row of every table, in order) and how many live events went out. */
async function snapshot() {
  // Bulk jobs run after their 202: a job started by an earlier request must be done before comparing.
  await h.runner.idle();
  const hash = createHash('sha256');
  const tables = reader.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  for (const table of tables) hash.update(`${table}\n${JSON.stringify(reader.prepare(`SELECT * FROM "${table}"`).raw().all())}\n`);
  return `${hash.digest('hex')} events=${liveEvents}`;
}

describe('generated requests at every route', () => {
  it(`never answer 5xx, always the envelope, and leave the store alone when refused (${RUNS} requests)`, async () => {
    const statuses = new Map<number, number>();
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        tried++;
        const path = r.template.replace('{id}', r.id === 'KNOWN' ? knownId : r.id);
        const search = r.query.length ? `?${r.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
        const headers: Record<string, string> = {};
        if (r.authorization) headers.authorization = r.authorization;
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.csrf) headers['x-requested-with'] = 'uploads-console';
        const withBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        const before = await snapshot();
        let res: Response;
        try {
          res = await h.app.request(`http://localhost${path}${search}`, { method: r.method, headers, body: withBody ? r.body : undefined }, { incoming: { socket: { remoteAddress: r.address } } });
        } catch (error) {
          // An URL the WHATWG parser itself refuses never reaches any server.
          if (error instanceof TypeError && /URL|Invalid/.test(String(error))) return;
          throw error;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${r.method} ${path}${search.slice(0, 80)}`).toBeLessThan(500);
        const text = r.method === 'HEAD' ? '' : await res.text();
        expect(text).not.toContain(EMULATOR_KEY);
        expect([...res.headers.values()].join(' ')).not.toContain(EMULATOR_KEY);
        if (res.status >= 400 && r.method !== 'HEAD') {
          expect(res.headers.get('content-type')).toMatch(/application\/json/);
          expect(errorEnvelopeSchema.safeParse(JSON.parse(text)).success, text.slice(0, 200)).toBe(true);
        }
        // An error OpenAI answered (it carries OpenAI's request id) is a cancel that was tried, and is
        // audited; one the console refused itself must have left no trace.
        if (res.status >= 400 && !res.headers.has('x-request-id')) expect(await snapshot(), `${r.method} ${path}`).toBe(before);
      }),
      { numRuns: RUNS },
    );
    console.log(`fuzz: ${tried} generated requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(tried).toBe(RUNS);
    // Still serving, normally.
    expect((await h.app.request('/healthz')).status).toBe(200);
    expect((await h.api('/api/uploads')).status).toBe(200);
    expect(logLines.join('\n')).not.toContain(EMULATOR_KEY);
    expect(logLines.filter((l) => l.startsWith('unhandled error'))).toEqual([]);
  }, 240_000);
});
