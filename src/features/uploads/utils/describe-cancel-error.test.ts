import { describe, expect, it } from 'vitest';
import { ApiError } from '#src/lib/api-client.ts';
import { describeCancelError } from './describe-cancel-error.ts';

const error = (status: number, message: string, code: string | null = null, type = 'invalid_request_error') =>
  new ApiError({ status, message, type, code });

describe('describeCancelError', () => {
  it('quotes the server on a refused cancel', () => {
    expect(describeCancelError('training.jsonl', error(400, "Cannot cancel upload with status 'completed'.")).title).toBe(
      "Couldn't cancel training.jsonl — Cannot cancel upload with status 'completed'.",
    );
  });

  it('says the upload is gone on 404', () => {
    expect(describeCancelError('a.jsonl', error(404, 'No such Upload object: upload_x')).title).toBe(
      "Couldn't cancel a.jsonl: the upload no longer exists (No such Upload object: upload_x)",
    );
  });

  it('names rate limits, unreachable upstreams, rejected keys and upstream timeouts', () => {
    expect(describeCancelError('a', error(429, 'Rate limit reached')).title).toBe("Couldn't cancel a: rate limited by OpenAI, try again shortly");
    expect(describeCancelError('a', error(502, 'Could not reach OpenAI: ECONNREFUSED.', 'upstream_unreachable'))).toEqual({
      title: "Couldn't cancel a: the proxy couldn't reach OpenAI",
      description: 'Could not reach OpenAI: ECONNREFUSED.',
    });
    expect(describeCancelError('a', error(502, 'OpenAI rejected this server’s API key', 'upstream_auth_failed')).title).toBe(
      "Couldn't cancel a: OpenAI rejected the proxy's API key",
    );
    expect(describeCancelError('a', error(504, 'OpenAI did not answer within 30 s.')).title).toBe("Couldn't cancel a: OpenAI didn't answer in time");
  });

  it('tells a dropped connection from a slow server', () => {
    expect(describeCancelError('a', new ApiError({ status: 0, type: 'network_error', message: 'x' })).title).toBe(
      "Couldn't cancel a: network error, check your connection",
    );
    expect(describeCancelError('a', new ApiError({ status: 0, type: 'timeout', message: 'x' })).title).toMatch(/didn't answer in time/);
  });
});
