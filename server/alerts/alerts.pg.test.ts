// Two consoles on one PostgreSQL database, both with the same alert webhook (a real local
// receiver): each checks the stuck count and delivers on its own loop, yet every message reaches
// the webhook once — the rise, the fall, a policy run both report — even when the webhook
// fails an attempt and one of them retries it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadSchema, type Upload } from '#contract/uploads.ts';
import { createConsole, type Console, type ConsoleConfig } from '#server/console.ts';
import { AdjustableClock } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { createTestDatabase, testPostgres, type TestDatabase } from '#server/test-support/postgres.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#server/test-support/webhook-receiver.ts';

const server = testPostgres();
const OPERATOR_TOKEN = 'alerts-operator-token-0123456789';
const CLIENT_TOKEN = 'alerts-client-token-0123456789';
const EMULATOR_KEY = 'sk-emulator-alerts-0123456789';

describe.skipIf(!server)('alerts from two consoles on one PostgreSQL database', () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  const clock = new AdjustableClock();
  const consoles: Console[] = [];

  const start = async (replicaId: string, upstream: ConsoleConfig['upstream']) => {
    const uc = await createConsole({
      databasePath: ':memory:',
      databaseUrl: db.url,
      upstream,
      upstreamTimeoutMs: 3_000,
      operators: [{ name: 'alice', token: OPERATOR_TOKEN }],
      clients: [{ name: 'sdk', token: CLIENT_TOKEN }],
      replicaId,
      clock,
      stuckAfterSeconds: 3,
      log: silentLogger,
      publicOrigin: 'https://console.example.com',
      alerts: { webhookUrl: receiver.url, stuckThreshold: 1, timing: { firstDelayMs: 50 } },
      intervals: { expirySweepMs: null, reconcileMs: null, countsMs: 50, alertCheckMs: 10, alertDeliverMs: 10 },
      drainTimeoutMs: 0,
    });
    consoles.push(uc);
    await uc.start();
    return uc;
  };
  const createUpload = async (uc: Console, filename: string): Promise<Upload> => {
    const res = await uc.app.request('/v1/uploads', {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }),
    });
    expect(res.status).toBe(200);
    return uploadSchema.parse(await res.json());
  };
  /** Long enough for both consoles to check and deliver many times over. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
  const accepted = () => receiver.received.filter((_, i) => receiver.answered[i] === 200).map((m) => m.text);

  beforeAll(async () => {
    db = await createTestDatabase();
    // The first attempt at the first message fails: a retry must not turn into a second message.
    receiver = await startWebhookReceiver((nth) => (nth === 1 ? { status: 500 } : { status: 200 }));
    const a = await start('replica_a', { kind: 'emulator', apiKey: EMULATOR_KEY, dataDir: null });
    await start('replica_b', { kind: 'remote', baseUrl: a.emulator!.url, apiKey: EMULATOR_KEY });
  }, 60_000);
  afterAll(async () => {
    for (const uc of consoles.reverse()) await uc.stop();
    await receiver?.close();
    await db?.drop();
  });

  it('sends the stuck rise once, the fall once, and one message per policy run', async () => {
    const [a, b] = consoles as [Console, Console];
    const uploads = [await createUpload(a, 'one.jsonl'), await createUpload(b, 'two.jsonl')];
    await settle();
    expect(receiver.received).toEqual([]); // nothing stuck yet

    clock.setOffsetSeconds(10);
    await eventually(() => expect(accepted()).toHaveLength(1), 5_000);
    await settle();
    expect(accepted()).toEqual(['Uploads Console: 2 uploads stuck, above the alert threshold of 1. Open the Stuck view: https://console.example.com/?stuck=true']);
    expect(receiver.answered).toEqual([500, 200]);

    for (const upload of uploads) {
      const res = await b.app.request(`/api/uploads/${upload.id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
      expect(res.status).toBe(200);
    }
    // The first cancel already brings it back to the threshold: that is the fall.
    await eventually(() => expect(accepted()).toHaveLength(2), 5_000);

    // Both replicas report the same run (as a policy run resumed elsewhere might): one message.
    const run = { policy_name: 'abandoned', matched: 2, cancelled: 2, failed: 0, job_id: 'job_policy_1' };
    await Promise.all([a.alerts.policyRun(run), b.alerts.policyRun(run)]);
    await eventually(() => expect(accepted()).toHaveLength(3), 5_000);
    await settle();
    expect(accepted()).toEqual([
      expect.stringContaining('2 uploads stuck'),
      'Uploads Console: stuck uploads are back to 1, at or below the alert threshold of 1. Open the Stuck view: https://console.example.com/?stuck=true',
      'Uploads Console: policy "abandoned" cancelled 2 uploads (2 matched). See its cancels in the audit log: https://console.example.com/audit?job_id=job_policy_1',
    ]);
    expect(receiver.received).toHaveLength(4);
  }, 30_000);
});
