import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { messages } from './openai-errors.ts';
import { FaultInjector } from './faults.ts';
import { partForm, startTestEmulator, type TestEmulator } from './test-support.ts';

describe('FaultInjector', () => {
  it('has nothing to give until a rule is added', () => {
    expect(new FaultInjector().take('create')).toBeUndefined();
  });

  it('hits one call by default, then lets calls through', () => {
    const faults = new FaultInjector();
    faults.add({ operation: 'create', status: 500 });
    expect(faults.take('create')).toEqual({ status: 500 });
    expect(faults.take('create')).toBeUndefined();
  });

  it('hits only its operation, `count` times, while `any` hits every operation', () => {
    const faults = new FaultInjector();
    faults.add({ operation: 'complete', status: 502, count: 2 });
    expect(faults.take('create')).toBeUndefined();
    expect(faults.take('complete')?.status).toBe(502);
    expect(faults.take('complete')?.status).toBe(502);
    expect(faults.take('complete')).toBeUndefined();

    faults.add({ operation: 'any', delay_ms: 5, count: 2 });
    expect(faults.take('parts')).toEqual({ delay_ms: 5 });
    expect(faults.take('cancel')).toEqual({ delay_ms: 5 });
    expect(faults.take('create')).toBeUndefined();
  });

  it('keeps a count: null rule until cleared', () => {
    const faults = new FaultInjector();
    faults.add({ operation: 'parts', reset: true, count: null });
    for (let i = 0; i < 10; i++) expect(faults.take('parts')).toEqual({ reset: true });
    faults.clear();
    expect(faults.take('parts')).toBeUndefined();
  });

  it('uses the oldest matching rule first', () => {
    const faults = new FaultInjector();
    faults.add({ operation: 'any', status: 503 });
    faults.add({ operation: 'cancel', status: 429, retry_after: 2 });
    expect(faults.take('cancel')?.status).toBe(503);
    expect(faults.take('cancel')).toEqual({ status: 429, retry_after: 2 });
  });

  it.each([
    { operation: 'delete', status: 500 },
    { operation: 'any' },
    { operation: 'any', status: 302 },
    { operation: 'any', status: 500, count: 0 },
    { operation: 'any', reset: true, status: 500 },
    { operation: 'any', delay_ms: 10, retry_after: 1 },
    { operation: 'any', status: 500, surprise: true },
  ])('refuses the malformed rule %j', (rule) => {
    expect(() => new FaultInjector().add(rule as never)).toThrow(ZodError);
  });
});

describe('faults over HTTP', () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.faults.clear());

  const createBody = { filename: 'a.jsonl', purpose: 'batch', bytes: 3, mime_type: 'application/jsonl' };
  const create = () => emulator.call('POST', '/v1/uploads', { body: createBody });
  const addFault = (rule: Record<string, unknown>) => emulator.call('POST', '/__emulator/faults', { body: rule });

  it('answers the next N calls with the status, then handles calls normally', async () => {
    await addFault({ operation: 'create', status: 500, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await create();
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ error: { message: messages.serverError, type: 'server_error', param: null, code: null } });
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
    expect((await create()).status).toBe(200);
  });

  it('sends a 429 in the rate-limit envelope, with retry-after and retry-after-ms', async () => {
    await addFault({ operation: 'any', status: 429, retry_after: 1.5 });
    const res = await create();
    expect(res.status).toBe(429);
    expect(res.json.error).toEqual({ message: messages.rateLimited, type: 'requests', param: null, code: 'rate_limit_exceeded' });
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('1500');
  });

  it('uses a given message', async () => {
    await addFault({ operation: 'create', status: 503, message: 'The engine is currently overloaded.' });
    const res = await create();
    expect(res.json.error).toMatchObject({ message: 'The engine is currently overloaded.', type: 'server_error' });
  });

  it('delays a call, then handles it (or answers with the status)', async () => {
    emulator.faults.add({ operation: 'create', delay_ms: 250 });
    let started = performance.now();
    expect((await create()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);

    emulator.faults.add({ operation: 'create', delay_ms: 100, status: 502 });
    started = performance.now();
    expect((await create()).status).toBe(502);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('resets the connection without an answer', async () => {
    const upload = (await create()).json;
    emulator.faults.add({ operation: 'cancel', reset: true });
    const error: unknown = await emulator.call('POST', `/v1/uploads/${upload.id}/cancel`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch failed
    expect(String((error as TypeError).cause)).toMatch(/socket|closed|reset/i);
    // The call never reached the upload.
    expect((await emulator.call('POST', `/v1/uploads/${upload.id}/cancel`)).json.status).toBe('cancelled');
  });

  it('answers a part upload before reading its body, and the connection stays usable', async () => {
    const upload = (await create()).json;
    await addFault({ operation: 'parts', status: 503 });
    expect((await emulator.call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('abc') })).status).toBe(503);
    expect((await emulator.call('POST', `/v1/uploads/${upload.id}/parts`, { body: partForm('abc') })).status).toBe(200);
  });

  it('is consulted only after auth, and never by control endpoints', async () => {
    emulator.faults.add({ operation: 'any', status: 500 });
    expect((await emulator.call('POST', '/v1/uploads', { body: createBody, apiKey: null })).status).toBe(401);
    expect((await emulator.call('GET', '/__emulator/health')).status).toBe(200);
    expect((await create()).status).toBe(500);
  });

  it('stays until cleared with count: null', async () => {
    await addFault({ operation: 'create', status: 500, count: null });
    for (let i = 0; i < 3; i++) expect((await create()).status).toBe(500);
    await emulator.call('DELETE', '/__emulator/faults');
    expect((await create()).status).toBe(200);
  });
});
