import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRecordSchema } from '#contract/dashboard-api.ts';
import { CLIENT_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { runClient, runDemoTraffic, type ClientBehaviour } from './demo-traffic.ts';

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness({ listen: true });
  client = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: CLIENT_TOKEN, maxRetries: 0 });
});
afterAll(() => h.close());

const statusOf = async (line: string) => {
  const id = line.split(' ')[0]!;
  return uploadRecordSchema.parse(await (await h.api(`/api/uploads/${id}`)).json());
};

describe('demo traffic', () => {
  it.each<[ClientBehaviour, string, (parts: number) => boolean]>([
    ['finishes', 'completed', (n) => n >= 3],
    ['stalls', 'pending', (n) => n >= 2],
    ['abandons', 'pending', (n) => n === 0],
    ['fails', 'pending', (n) => n >= 3],
    ['cancels', 'cancelled', (n) => n === 1],
  ])('a client that %s leaves its upload %s, as the dashboard shows', async (behaviour, status, partsOk) => {
    const line = await runClient(client, behaviour, { pauseMs: [0, 0] });
    const record = await statusOf(line);
    expect(record.status).toBe(status);
    expect(partsOk(record.parts_count)).toBe(true);
  });

  it('runs a stream of clients for a bounded time and stops', async () => {
    const lines: string[] = [];
    const result = await runDemoTraffic({ baseURL: `${h.origin}/v1`, apiKey: CLIENT_TOKEN, everyMs: 60, durationMs: 300, pauseMs: [0, 20], log: (l) => lines.push(l) });
    expect(result.started).toBeGreaterThan(1);
    expect(result.failed).toBe(0);
    expect(lines).toHaveLength(result.started);
  }, 60_000);
});
