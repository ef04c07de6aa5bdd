import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditListSchema } from '#contract/dashboard-api.ts';
import { uploadSchema, type Upload } from '#contract/uploads.ts';
import { startHarness, type Harness } from '#server/test-support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function createUploads(n: number, stem: string): Promise<Upload[]> {
  const made: Upload[] = [];
  for (let i = 0; i < n; i++) {
    const res = await h.v1('/uploads', json({ filename: `${stem}-${i}.jsonl`, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }));
    made.push(uploadSchema.parse(await res.json()));
  }
  return made;
}

describe('audit', () => {
  it('records every cancel, whoever made it, and exports CSV', async () => {
    const [mine, theirs] = await createUploads(2, 'audited');
    await h.api(`/api/uploads/${mine!.id}/cancel`, json({ reason: 'stuck for an hour, "ops" ticket #12' }));
    await h.v1(`/uploads/${theirs!.id}/cancel`);
    const direct = await h.upstream.createUpload({ filename: 'from-log.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' });
    await h.api(`/api/uploads/${direct.object.id}/cancel`, { method: 'POST' });
    await h.api(`/api/uploads/${mine!.id}/cancel`, { method: 'POST' }); // already cancelled

    const entries = auditListSchema.parse(await (await h.api('/api/audit?limit=500')).json()).data;
    const of = (id: string) => entries.filter((e) => e.upload_id === id);
    expect(of(mine!.id).map((e) => [e.outcome, e.source, e.previous_status])).toEqual([
      ['already_finished', 'api', 'cancelled'],
      ['cancelled', 'api', 'pending'],
    ]);
    expect(of(mine!.id)[1]).toMatchObject({ actor: 'alice', reason: 'stuck for an hour, "ops" ticket #12', upstream_status: 200, filename: 'audited-0.jsonl' });
    expect(of(mine!.id)[1]!.request_id).toMatch(/^req_/);
    expect(of(theirs!.id)[0]).toMatchObject({ actor: 'client:sdk', source: 'pass_through', outcome: 'cancelled', previous_status: 'pending' });
    expect(of(direct.object.id)[0]).toMatchObject({ source: 'by_id', previous_status: null, outcome: 'cancelled' });

    const csv = await h.api('/api/audit/export.csv?actor=alice');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('id,at,actor,action,source,upload_id,filename,reason,previous_status,outcome,upstream_status,request_id,job_id,message,client,client_sdk');
    // The upload's client rides on each entry: in-process requests send no software of their own.
    expect(of(mine!.id)[1]!.client).toEqual({ name: 'sdk', sdk: null });
    expect(of(direct.object.id)[0]!.client).toBeNull();
    expect(text.split('\r\n')[1]).toMatch(/,sdk,$/);
    expect(text).toContain('"stuck for an hour, ""ops"" ticket #12"');
    expect(text).not.toContain('client:sdk');
  });

  it('defuses cells a spreadsheet would run as a formula', async () => {
    const [upload] = await createUploads(1, 'formula');
    await h.api(`/api/uploads/${upload!.id}/cancel`, json({ reason: '=HYPERLINK("http://evil.example")' }));
    const text = await (await h.api(`/api/audit/export.csv?upload_id=${upload!.id}`)).text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it('pages with a cursor, and refuses one it did not issue', async () => {
    const [upload] = await createUploads(1, 'paged');
    await h.api(`/api/uploads/${upload!.id}/cancel`, { method: 'POST' });
    await h.api(`/api/uploads/${upload!.id}/cancel`, { method: 'POST' }); // already cancelled: a second entry
    const page = (cursor?: string) => h.api(`/api/audit?upload_id=${upload!.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    const first = auditListSchema.parse(await (await page()).json());
    expect(first).toMatchObject({ has_more: true, data: [{ outcome: 'already_finished' }] });
    const second = auditListSchema.parse(await (await page(first.next_cursor!)).json());
    expect(second).toMatchObject({ has_more: false, next_cursor: null, data: [{ outcome: 'cancelled' }] });
    const bad = await h.api('/api/audit?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('cursor');
  });
});
