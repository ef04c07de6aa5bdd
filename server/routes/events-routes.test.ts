import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusCountsSchema, uploadRecordSchema } from '#contract/dashboard-api.ts';
import { errorEnvelopeSchema, uploadSchema } from '#contract/uploads.ts';
import { ChangeFeed } from '#server/lib/change-feed.ts';
import { toApiError } from '#server/lib/errors.ts';
import { eventRoutes } from '#server/routes/events-routes.ts';
import { OPERATOR_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { serverSentEventParser, type ServerSentEvent } from '#server/test-support/server-sent-events.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ listen: true });
});
afterAll(() => h.close());

/** Reads server-sent events from a real HTTP connection until `until` says stop. */
async function collectEvents(signal: AbortSignal, until: (events: ServerSentEvent[]) => boolean) {
  const res = await fetch(`${h.origin}/api/events`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const parse = serverSentEventParser();
  const events: ServerSentEvent[] = [];
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    events.push(...parse(value));
  }
  return events;
}

describe('GET /api/events', () => {
  it('requires an operator', async () => {
    expect((await fetch(`${h.origin}/api/events`)).status).toBe(401);
  });

  it('streams upload changes and new counts to an open dashboard', async () => {
    const abort = new AbortController();
    const created = uploadSchema.parse(
      await (await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'live.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' }) })).json(),
    );
    const countsWithCancel = (e: { event: string; data: string }) => e.event === 'counts' && statusCountsSchema.parse(JSON.parse(e.data)).cancelled >= 1;
    const events = collectEvents(abort.signal, (seen) => seen.some((e) => e.event === 'upload' && e.data.includes('"cancelled"')) && seen.some(countsWithCancel));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await h.api(`/api/uploads/${created.id}/cancel`, { method: 'POST' });
    const seen = await events;
    abort.abort();
    expect(seen[0]!.event).toBe('ready');
    const changes = seen.filter((e) => e.event === 'upload').map((e) => uploadRecordSchema.parse(JSON.parse(e.data)));
    expect(changes.at(-1)).toMatchObject({ status: 'cancelled', cancelled_by: 'alice', upload: { id: created.id } });
    expect(statusCountsSchema.parse(JSON.parse(seen.findLast(countsWithCancel)!.data))).toMatchObject({ cancelled: 1, pending: 0 });
  });

  it('ends open streams when the server shuts down, so requests can drain', async () => {
    const res = await fetch(`${h.origin}/api/events`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const reader = res.body!.getReader();
    await reader.read(); // ready
    h.feed.close();
    const readToEnd = async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    };
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still open'), 2000));
    expect(await Promise.race([readToEnd(), timeout])).toBe('ended');
  });

  it('ends open streams when changes may have been missed, so dashboards reconnect and refetch', async () => {
    const res = await fetch(`${h.origin}/api/events`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const reader = res.body!.getReader();
    await reader.read(); // ready
    h.feed.resync();
    const readToEnd = async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    };
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still open'), 2000));
    expect(await Promise.race([readToEnd(), timeout])).toBe('ended');
    // The server itself goes on: the next stream opens.
    const again = await fetch(`${h.origin}/api/events`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(again.status).toBe(200);
    await again.body!.cancel();
  });

  it('refuses a stream while this replica cannot hear every change, so the dashboard polls instead', async () => {
    const app = new Hono().route('/', eventRoutes({ feed: new ChangeFeed(), live: () => false }));
    app.onError((error, c) => {
      const answer = toApiError(error, 'dashboard')!;
      return c.json(answer.envelope, answer.status, answer.headers);
    });
    const res = await app.request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(errorEnvelopeSchema.parse(await res.json()).error).toMatchObject({ type: 'server_error', code: 'live_updates_unavailable' });
  });
});

