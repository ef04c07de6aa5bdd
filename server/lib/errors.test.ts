import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#server/store/upload-store.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';
import { ApiError } from './api-error.ts';
import { STORE_UNAVAILABLE, toApiError } from './errors.ts';

const answered = (status: number, body: unknown, headers: Record<string, string> = {}) => UpstreamError.answered(status, JSON.stringify(body), 'req_1', headers);
const envelope = (message: string, code: string | null = null) => ({ error: { message, type: 'invalid_request_error', param: null, code } });

describe('toApiError', () => {
  it('keeps an upstream answer: its status, envelope and retry headers', () => {
    const error = toApiError(answered(429, envelope('Rate limit reached', 'rate_limit_exceeded'), { 'retry-after': '7' }), 'dashboard')!;
    expect(error.status).toBe(429);
    expect(error.envelope.error).toMatchObject({ message: 'Rate limit reached', code: 'rate_limit_exceeded' });
    expect(error.headers).toEqual({ 'retry-after': '7' });
  });

  it("turns a rejection of the server's own key into a 502 that quotes none of it, worded for who reads it", () => {
    const rejected = answered(401, envelope('Incorrect API key provided: sk-abc1*****wxyz.', 'invalid_api_key'));
    const forOperators = toApiError(rejected, 'dashboard')!;
    const forClients = toApiError(rejected, 'pass_through')!;
    for (const error of [forOperators, forClients]) {
      expect(error.status).toBe(502);
      expect(error.envelope.error).toMatchObject({ type: 'upstream_auth_error', code: 'upstream_auth_failed' });
      expect(error.envelope.error.message).toMatch(/^OpenAI rejected this server's API key \(invalid_api_key\)/);
      expect(error.envelope.error.message).not.toContain('sk-abc1');
    }
    expect(forOperators.envelope.error.message).toContain('Check OPENAI_API_KEY on the server.');
    expect(forClients.envelope.error.message).toContain("Ask the Uploads Console's operator");
    expect(toApiError(answered(403, 'not json'), 'dashboard')!.envelope.error.message).toContain('(status 403)');
  });

  it('answers a timeout with 504 and an unreachable or garbled upstream with 502', () => {
    expect(toApiError(UpstreamError.timeout(1000), 'dashboard')).toMatchObject({ status: 504 });
    expect(toApiError(UpstreamError.unreachable('connection refused'), 'pass_through')).toMatchObject({ status: 502 });
    expect(toApiError(UpstreamError.badResponse(200, 'not JSON'), 'dashboard')).toMatchObject({ status: 502 });
  });

  it('maps a bad cursor to a 400 naming the parameter, and passes ApiError and HTTPException on', () => {
    expect(toApiError(new InvalidCursorError(), 'dashboard')!.envelope.error).toMatchObject({ param: 'cursor' });
    const own = new ApiError(418, 'short and stout');
    expect(toApiError(own, 'dashboard')).toBe(own);
    expect(toApiError(new HTTPException(400, { message: 'Malformed' }), 'dashboard')).toMatchObject({ status: 400, message: 'Malformed' });
  });

  it('leaves anything else to the caller, as a bug', () => {
    expect(toApiError(new Error('boom'), 'dashboard')).toBeNull();
    expect(toApiError('a string', 'pass_through')).toBeNull();
  });

  it('answers a database that cannot be reached with a retryable 503 that names nothing of it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const shutDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const startingUp = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    const dropped = new Error('Connection terminated unexpectedly');
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    const everyAddress = new AggregateError([refused, Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })]);
    for (const error of [refused, shutDown, startingUp, dropped, poolTimeout, everyAddress]) {
      for (const surface of ['dashboard', 'pass_through'] as const) {
        const answer = toApiError(error, surface)!;
        expect(answer.status, error.message).toBe(503);
        expect(answer.envelope.error).toMatchObject({ type: 'server_error', code: STORE_UNAVAILABLE, param: null });
        expect(answer.envelope.error.message).not.toMatch(/5432|10\.0\.0\.5|ECONN|terminat/);
        expect(answer.headers['retry-after']).toBe('2');
      }
    }
    // A query that is wrong is a bug, not an outage.
    expect(toApiError(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }), 'dashboard')).toBeNull();
    expect(toApiError(new Error('SQLITE_CORRUPT'), 'dashboard')).toBeNull();
  });
});

