import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#server/store/upload-store.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';
import { ApiError } from './api-error.ts';
import { toApiError } from './errors.ts';

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
});
