import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_LIST_PAGE_PATH, PAGE_ANSWERS_ELEMENT_ID, SESSION_PATH } from '#contract/constants.ts';
import { sessionSchema, uploadListSchema } from '#contract/dashboard-api.ts';
import { createUploadVia } from '#server/test-support/http-checks.ts';
import { CLIENT_TOKEN, EMULATOR_KEY, OPERATOR_TOKEN, READ_ONLY_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { withPageAnswers } from './static-routes.ts';

const INDEX_HTML = '<!doctype html>\n<html><head><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>\n';

let h: Harness;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uc-static-'));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  h = await startHarness({ staticDir: dir });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIn = async (token = OPERATOR_TOKEN) => (await h.app.request(`/?token=${token}`)).headers.get('set-cookie')!.split(';')[0]!;

/** The page's answers block, parsed as the dashboard parses it; null when the page has none. */
function answersIn(html: string): Record<string, unknown> | null {
  const match = new RegExp(`<script type="application/json" id="${PAGE_ANSWERS_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  return match ? (JSON.parse(match[1]!) as Record<string, unknown>) : null;
}

describe('the dashboard page', () => {
  it('carries the session and the first list page for a signed-in operator, exactly as the API answers them', async () => {
    await createUploadVia(h, 'in-the-page.jsonl');
    const cookie = await signIn();
    const res = await h.app.request('/', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store, private');
    expect(res.headers.get('vary')).toMatch(/cookie/i);
    const answers = answersIn(await res.text());
    expect(Object.keys(answers ?? {}).sort()).toEqual([FIRST_LIST_PAGE_PATH, SESSION_PATH].sort());
    expect(answers![SESSION_PATH]).toEqual(await (await h.app.request(SESSION_PATH, { headers: { cookie } })).json());
    expect(answers![FIRST_LIST_PAGE_PATH]).toEqual(await (await h.app.request(FIRST_LIST_PAGE_PATH, { headers: { cookie } })).json());
    expect(sessionSchema.parse(answers![SESSION_PATH]).operator).toBe('alice');
    expect(uploadListSchema.parse(answers![FIRST_LIST_PAGE_PATH]).data.map((record) => record.upload.filename)).toContain('in-the-page.jsonl');
  });

  it('is the same page for everyone without a valid session: no answers, nothing private', async () => {
    const tampered = (await signIn()).replace(/uc_session=[^.]+/, `uc_session=${Buffer.from('mallory').toString('base64url')}`);
    for (const headers of [{}, { cookie: tampered }, { cookie: 'uc_session=' }, { authorization: `Bearer ${OPERATOR_TOKEN}` }] as Record<string, string>[]) {
      const res = await h.app.request('/', { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX_HTML);
    }
  });

  it("answers other pages and filtered lists with the session only, each operator's own", async () => {
    const cookie = await signIn(READ_ONLY_TOKEN);
    for (const path of ['/audit', '/uploads/upload_abc', '/?status=pending']) {
      const answers = answersIn(await (await h.app.request(path, { headers: { cookie } })).text());
      expect(answers, path).toEqual({ [SESSION_PATH]: expect.objectContaining({ operator: 'victor', role: 'read_only' }) });
    }
  });

  it('never carries a token or key', async () => {
    const html = await (await h.app.request('/', { headers: { cookie: await signIn() } })).text();
    for (const secret of [OPERATOR_TOKEN, READ_ONLY_TOKEN, CLIENT_TOKEN, EMULATOR_KEY]) expect(html).not.toContain(secret);
  });

  it('keeps a hostile filename inside the data block', async () => {
    const hostile = '</script><script>alert(1)</script><!--&\u2028.jsonl';
    await createUploadVia(h, hostile);
    const html = await (await h.app.request('/', { headers: { cookie: await signIn() } })).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the page's own module script and the block's end
    const list = uploadListSchema.parse(answersIn(html)![FIRST_LIST_PAGE_PATH]);
    expect(list.data.map((record) => record.upload.filename)).toContain(hostile);
  });
});

describe('withPageAnswers', () => {
  it('puts the block before </body> and escapes every <, > and &', () => {
    const html = withPageAnswers('<html><body><p>x</p></body></html>', { '/api/x?a=1&b=2': { text: '<b>&</b>' } });
    expect(html).toBe(
      `<html><body><p>x</p><script type="application/json" id="${PAGE_ANSWERS_ELEMENT_ID}">{"/api/x?a=1\\u0026b=2":{"text":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"}}</script>\n</body></html>`,
    );
    expect(answersIn(html)).toEqual({ '/api/x?a=1&b=2': { text: '<b>&</b>' } });
  });
});
