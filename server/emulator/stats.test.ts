import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './test-support.ts';

let emulator: TestEmulator;
beforeEach(async () => {
  emulator = await startTestEmulator();
});
afterEach(() => emulator.stop());

const create = async () =>
  (await emulator.call('POST', '/v1/uploads', { body: { filename: 'a.jsonl', purpose: 'batch', bytes: 4, mime_type: 'application/jsonl' } })).json.id as string;

describe('GET /__emulator/stats', () => {
  it('counts cancel calls per upload and per project, successes apart, and the peak in flight', async () => {
    const [a, b] = [await create(), await create()];
    await emulator.call('POST', '/__emulator/faults', { body: { operation: 'cancel', delay_ms: 150, count: 2 } });
    await Promise.all([
      emulator.call('POST', `/v1/uploads/${a}/cancel`, { headers: { 'openai-project': 'proj_a' } }),
      emulator.call('POST', `/v1/uploads/${b}/cancel`, { headers: { 'openai-project': 'proj_b' } }),
    ]);
    expect((await emulator.call('POST', `/v1/uploads/${a}/cancel`)).status).toBe(400); // already cancelled

    const { status, json } = await emulator.call('GET', '/__emulator/stats');
    expect(status).toBe(200);
    expect(json.cancels).toEqual({
      calls: 3,
      succeeded: 2,
      in_flight: 0,
      peak_in_flight: 2,
      by_upload: { [a]: { calls: 2, succeeded: 1, succeeded_by: 'proj_a' }, [b]: { calls: 1, succeeded: 1, succeeded_by: 'proj_b' } },
      by_project: { proj_a: { calls: 1, succeeded: 1 }, proj_b: { calls: 1, succeeded: 1 }, '(none)': { calls: 1, succeeded: 0 } },
    });

    expect((await emulator.call('DELETE', '/__emulator/stats')).json).toEqual({ ok: true });
    expect((await emulator.call('GET', '/__emulator/stats')).json.cancels).toMatchObject({ calls: 0, peak_in_flight: 0, by_upload: {} });
  });

  it('needs the API key like every emulator route', async () => {
    expect((await emulator.call('GET', '/__emulator/stats', { apiKey: null })).status).toBe(401);
  });
});
