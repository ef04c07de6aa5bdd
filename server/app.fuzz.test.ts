// Issue 5: thousands of generated requests, hostile and malformed, at every route a client can
// reach. Whatever comes in: never a 5xx, every error is the OpenAI envelope, no secret is
// echoed, the server keeps serving, and a rejected request changes no recorded upload.
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
let knownId: string;
beforeAll(async () => {
  h = await startHarness({ log: capturing, timeoutMs: 1000 });
  const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'seed.jsonl', purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }) });
  knownId = ((await res.json()) as { id: string }).id;
});
afterAll(() => h.close());

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
  fc.constantFrom('{', 'null', '[]', '""', '{"token":', '\u0000', '{"ids":["upload_a"],"filter":{}}', '{"ids":[]}', '{"filter":{"status":"nope"}}', '{"filename":"a","purpose":"batch","bytes":1,"mime_type":"application/jsonl"}', '{"part_ids":["part_x"]}', '{"reason":"x"}'),
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

async function snapshot() {
  const counts = await h.store.countByStatus(Math.floor(Date.now() / 1000));
  return JSON.stringify(counts);
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
          expect(await snapshot()).toBe(before);
        }
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
  }, 180_000);
});
