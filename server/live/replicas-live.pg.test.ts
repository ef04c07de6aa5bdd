// Two (or three) consoles in one process on one PostgreSQL database, as replicas behind a balancer
// would be: a change made through one reaches the other's live dashboards; sessions and failed
// sign-in attempts hold across them; a lost listener or a lost database is told, answered 503,
// and recovered from without a restart. (The multi-process test with nginx in front is
// server/replicas.pg.test.ts.)
import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bulkCancelJobSchema, uploadRecordSchema, type UploadRecord } from '#contract/dashboard-api.ts';
import { errorEnvelopeSchema, uploadSchema, type Upload } from '#contract/uploads.ts';
import { createConsole, type Console, type ConsoleConfig } from '#server/console.ts';
import { REPLICAS_NEED_TOKENS } from '#server/env.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { createTestDatabase, testPostgres, type TestDatabase } from '#server/test-support/postgres.ts';
import { serverSentEventParser, type ServerSentEvent } from '#server/test-support/server-sent-events.ts';

const server = testPostgres();

const OPERATOR_TOKEN = 'replica-operator-token-0123456789';
const CLIENT_TOKEN = 'replica-client-token-0123456789';
const EMULATOR_KEY = 'sk-emulator-replicas-0123456789';
/** The brief's promise: a change is on every replica's dashboards within this. */
const LIVE_WITHIN_MS = 2_000;

interface Replica {
  uc: Console;
  origin: string;
}

/** One dashboard's live stream (GET /api/events over real HTTP), parsed as it arrives. */
interface LiveStream {
  events: ServerSentEvent[];
  ended: () => boolean;
  close: () => void;
  uploads: (id: string) => UploadRecord[];
}

async function openStream(origin: string): Promise<LiveStream> {
  const abort = new AbortController();
  const res = await fetch(`${origin}/api/events`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  const events: ServerSentEvent[] = [];
  let ended = false;
  void (async () => {
    const reader = res.body!.getReader();
    const parse = serverSentEventParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      events.push(...parse(value));
    }
  })()
    .catch(() => undefined)
    .finally(() => (ended = true));
  await eventually(() => expect(events[0]?.event).toBe('ready'));
  return {
    events,
    ended: () => ended,
    close: () => abort.abort(),
    uploads: (id) => events.filter((e) => e.event === 'upload').map((e) => uploadRecordSchema.parse(JSON.parse(e.data))).filter((r) => r.upload.id === id),
  };
}

const bearer = (token = OPERATOR_TOKEN) => ({ authorization: `Bearer ${token}` });

async function createUpload(replica: Replica, filename: string): Promise<Upload> {
  const res = await replica.uc.app.request('/v1/uploads', {
    method: 'POST',
    headers: { ...bearer(CLIENT_TOKEN), 'content-type': 'application/json' },
    body: JSON.stringify({ filename, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }),
  });
  expect(res.status).toBe(200);
  return uploadSchema.parse(await res.json());
}

/** A replica on `url`; the first one brings the emulator every replica sends its cancels to. */
async function startReplica(url: string, upstream: ConsoleConfig['upstream'], overrides: Partial<ConsoleConfig> = {}): Promise<Replica> {
  const uc = await createConsole({
    databasePath: ':memory:',
    databaseUrl: url,
    upstream,
    upstreamTimeoutMs: 3_000,
    operators: [{ name: 'alice', token: OPERATOR_TOKEN }],
    clients: [{ name: 'sdk', token: CLIENT_TOKEN }],
    log: silentLogger,
    trustProxy: 'loopback',
    intervals: { expirySweepMs: null, reconcileMs: null, countsMs: 50 },
    drainTimeoutMs: 0,
    // Short enough that a test sees a lost session and a reconnect in well under a second.
    live: { listener: { heartbeatMs: 300, timeoutMs: 1_000, retryMs: { first: 50, max: 300 } } },
    ...overrides,
  });
  try {
    await uc.start();
    const { origin } = await uc.listen({ port: 0, host: '127.0.0.1' });
    return { uc, origin };
  } catch (error) {
    await uc.stop();
    throw error;
  }
}

describe.skipIf(!server)('replicas on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: Replica;
  let b: Replica;
  const streams: LiveStream[] = [];
  const stream = async (replica: Replica) => {
    const opened = await openStream(replica.origin);
    streams.push(opened);
    return opened;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startReplica(db.url, { kind: 'emulator', apiKey: EMULATOR_KEY, dataDir: null });
    b = await startReplica(db.url, { kind: 'remote', baseUrl: a.uc.emulator!.url, apiKey: EMULATOR_KEY });
  });
  afterEach(() => {
    for (const opened of streams.splice(0)) opened.close();
  });
  afterAll(async () => {
    await b?.uc.stop();
    await a?.uc.stop();
    await db?.drop();
  });

  it('delivers a change made through either replica to the dashboards of both, once each', async () => {
    const [onA, onB] = [await stream(a), await stream(b)];
    const upload = await createUpload(b, 'made-on-b.jsonl');
    const heard = Date.now();
    await eventually(() => {
      expect(onA.uploads(upload.id).map((r) => r.status)).toEqual(['pending']);
      expect(onB.uploads(upload.id).map((r) => r.status)).toEqual(['pending']);
    }, LIVE_WITHIN_MS);
    expect(Date.now() - heard).toBeLessThan(LIVE_WITHIN_MS);

    const cancelled = await a.uc.app.request(`/api/uploads/${upload.id}/cancel`, { method: 'POST', headers: bearer() });
    expect(cancelled.status).toBe(200);
    await eventually(() => expect(onB.uploads(upload.id).at(-1)).toMatchObject({ status: 'cancelled', cancelled_by: 'alice' }), LIVE_WITHIN_MS);
    // The replica that made the change hears it from the database too, and only from there: no
    // second copy from its own code.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onA.uploads(upload.id).map((r) => r.status)).toEqual(['pending', 'cancelled']);
    expect(onB.uploads(upload.id).map((r) => r.status)).toEqual(['pending', 'cancelled']);
    // Counts follow on both.
    await eventually(() => expect(onB.events.some((e) => e.event === 'counts' && JSON.parse(e.data).cancelled >= 1)).toBe(true));
  });

  it("shows a bulk cancel's progress on the other replica's dashboards", async () => {
    const uploads = [await createUpload(a, 'bulk-1.jsonl'), await createUpload(a, 'bulk-2.jsonl')];
    const onB = await stream(b);
    const started = await a.uc.app.request('/api/bulk-cancels', {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ ids: uploads.map((u) => u.id) }),
    });
    expect(started.status).toBe(202);
    const job = bulkCancelJobSchema.parse(await started.json());
    await eventually(() => {
      const seen = onB.events.filter((e) => e.event === 'job').map((e) => bulkCancelJobSchema.parse(JSON.parse(e.data)));
      expect(seen.at(-1)).toMatchObject({ id: job.id, state: 'done', progress: { cancelled: 2 } });
    }, 10_000);
    for (const upload of uploads) await eventually(() => expect(onB.uploads(upload.id).at(-1)?.status).toBe('cancelled'), LIVE_WITHIN_MS);
  });

  it('accepts a session made on one replica on the other', async () => {
    const signIn = await a.uc.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: OPERATOR_TOKEN }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const onB = await b.uc.app.request('/api/session', { headers: { cookie } });
    expect(onB.status).toBe(200);
    expect(await onB.json()).toMatchObject({ operator: 'alice' });
  });

  it('counts failed sign-in attempts across replicas, per client as the balancer reports it', async () => {
    const viaBalancer = (replica: Replica, token: string, client: string) =>
      replica.uc.app.request(
        '/api/session',
        { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ token }) },
        { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
      );
    // Ten guesses, alternating replicas: each saw only five.
    for (let i = 0; i < 10; i++) expect((await viaBalancer(i % 2 ? a : b, `guess-${i}`, '203.0.113.40')).status).toBe(401);
    for (const replica of [a, b]) {
      const refused = await viaBalancer(replica, OPERATOR_TOKEN, '203.0.113.40');
      expect(refused.status).toBe(429);
      expect(errorEnvelopeSchema.parse(await refused.json()).error.code).toBe('too_many_sign_in_attempts');
      expect((await viaBalancer(replica, OPERATOR_TOKEN, '203.0.113.41')).status).toBe(200);
    }
    // Pass-through clients with stale tokens are counted across replicas too (apart from operators).
    const v1 = (replica: Replica, token: string) =>
      replica.uc.app.request('/v1/uploads/upload_abc/cancel', { method: 'POST', headers: { ...bearer(token), 'x-forwarded-for': '203.0.113.42' } }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    for (let i = 0; i < 10; i++) expect((await v1(i % 2 ? a : b, `stale-${i}`)).status).toBe(401);
    for (const replica of [a, b]) expect((await v1(replica, CLIENT_TOKEN)).status).toBe(429);
    expect((await viaBalancer(a, OPERATOR_TOKEN, '203.0.113.42')).status).toBe(200);
  });

  it('tells dashboards when the listener loses its connection, and hears again once it is back', async () => {
    const onB = await stream(b);
    const admin = new pg.Client(db.url);
    await admin.connect();
    try {
      const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'uploads-console-listener'", [db.name]);
      expect(rowCount).toBe(2);
    } finally {
      await admin.end();
    }
    // Told: the stream ends (the browser reconnects and refetches its lists).
    await eventually(() => expect(onB.ended()).toBe(true), LIVE_WITHIN_MS);
    await eventually(async () => {
      expect(b.uc.live.connected()).toBe(true);
      expect((await b.uc.app.request('/readyz')).status).toBe(200);
    });
    const again = await stream(b);
    const upload = await createUpload(a, 'after-reconnect.jsonl');
    await eventually(() => expect(again.uploads(upload.id)).toHaveLength(1), LIVE_WITHIN_MS);
  });

  it('refuses to start without operator tokens (a generated one would differ per replica)', async () => {
    await expect(
      createConsole({ databasePath: ':memory:', databaseUrl: db.url, upstream: { kind: 'remote', baseUrl: a.uc.emulator!.url, apiKey: EMULATOR_KEY }, upstreamTimeoutMs: 1000, operators: [], clients: [], log: silentLogger }),
    ).rejects.toThrow(REPLICAS_NEED_TOKENS);
  });

  it('notices a listening connection that went silent (half-open) by its heartbeat, and recovers', async () => {
    const target = new URL(db.url);
    const listenProxy = await startProxy(target.hostname, Number(target.port));
    const listenUrl = new URL(db.url);
    listenUrl.port = String(listenProxy.port);
    // Only the listener goes through the proxy (as DATABASE_LISTEN_URL would bypass a pooler).
    const d = await startReplica(db.url, { kind: 'remote', baseUrl: a.uc.emulator!.url, apiKey: EMULATOR_KEY }, { databaseListenUrl: listenUrl.toString() });
    try {
      const onD = await stream(d);
      listenProxy.stall();
      const stalledAt = Date.now();
      // Nothing arrives and nothing fails by itself: the probe (every 300 ms, 1 s timeout here) finds it.
      await eventually(() => expect(onD.ended()).toBe(true), 5_000);
      expect(Date.now() - stalledAt).toBeLessThan(3_000);
      expect(await (await d.uc.app.request('/readyz')).json()).toMatchObject({ ready: false, store: true, live: false });
      listenProxy.unstall();
      await eventually(() => expect(d.uc.live.connected()).toBe(true));
      const again = await stream(d);
      const upload = await createUpload(a, 'after-half-open.jsonl');
      await eventually(() => expect(again.uploads(upload.id)).toHaveLength(1), LIVE_WITHIN_MS);
    } finally {
      await d.uc.stop();
      await listenProxy.close();
    }
  });

  describe('a replica that loses the database', () => {
    let proxy: CuttableProxy;
    let c: Replica;

    beforeAll(async () => {
      const target = new URL(db.url);
      proxy = await startProxy(target.hostname, Number(target.port));
      const viaProxy = new URL(db.url);
      viaProxy.port = String(proxy.port);
      c = await startReplica(viaProxy.toString(), { kind: 'remote', baseUrl: a.uc.emulator!.url, apiKey: EMULATOR_KEY });
    });
    afterAll(async () => {
      await proxy?.restore();
      await c?.uc.stop();
      await proxy?.close();
    });

    it('answers 503 store_unavailable, is not ready, still counts failed attempts, and recovers by itself', async () => {
      expect((await c.uc.app.request('/api/uploads', { headers: bearer() })).status).toBe(200);
      const onC = await stream(c);

      await proxy.cut();
      await eventually(() => expect(onC.ended()).toBe(true), LIVE_WITHIN_MS);
      const unavailable = await c.uc.app.request('/api/uploads', { headers: bearer() });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('2');
      expect(errorEnvelopeSchema.parse(await unavailable.json()).error).toMatchObject({ type: 'server_error', code: 'store_unavailable' });
      const ready = await c.uc.app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, store: false, migrations: true, live: false, stopping: false });
      expect((await c.uc.app.request('/healthz')).status).toBe(200);
      // No live stream while deaf: the dashboard polls meanwhile.
      expect((await fetch(`${c.origin}/api/events`, { headers: bearer() })).status).toBe(503);
      // Guessing goes on being counted (in this replica's memory until the database is back).
      const guess = (token: string) => c.uc.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      for (let i = 0; i < 10; i++) expect((await guess(`outage-guess-${i}`)).status).toBe(401);
      expect((await guess(OPERATOR_TOKEN)).status).toBe(429);

      await proxy.restore();
      await eventually(async () => {
        expect((await c.uc.app.request('/readyz')).status).toBe(200);
        expect((await c.uc.app.request('/api/uploads', { headers: bearer() })).status).toBe(200);
      }, 10_000);
      const onCAgain = await stream(c);
      const upload = await createUpload(a, 'after-outage.jsonl');
      await eventually(() => expect(onCAgain.uploads(upload.id)).toHaveLength(1), LIVE_WITHIN_MS);
    });
  });
});

interface CuttableProxy {
  port: number;
  /** Refuses new connections and drops the open ones, as a database gone away would. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** Keeps every connection open but lets nothing through, new ones included: a half-open network. */
  stall(): void;
  /** Lets data through again (for connections made from now on; stalled ones have lost bytes). */
  unstall(): void;
  close(): Promise<void>;
}

/** A TCP proxy to the database that a test can cut, stall and restore. */
async function startProxy(host: string, port: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  // By hand rather than pipe(), so that a stall can swallow what either side sends.
  const forward = (from: Socket, to: Socket) => from.on('data', (chunk) => void (stalled || to.write(chunk)));
  let listening: Server | null = null;
  const listen = (atPort: number) =>
    new Promise<Server>((resolve, reject) => {
      const proxy = createServer((client) => {
        const upstream = connect(port, host);
        track(client);
        track(upstream);
        forward(client, upstream);
        forward(upstream, client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      proxy.once('error', reject);
      proxy.listen(atPort, '127.0.0.1', () => resolve(proxy));
    });
  listening = await listen(0);
  const bound = (listening.address() as { port: number }).port;
  const stop = async () => {
    const current = listening;
    listening = null;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  return {
    port: bound,
    cut: stop,
    async restore() {
      if (!listening) listening = await listen(bound);
    },
    stall: () => void (stalled = true),
    unstall: () => void (stalled = false),
    close: stop,
  };
}
