import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { errorResponse, jsonResponse, mockFetch } from '../testing/fetch-mock.ts';
import { ApiError, apiClient, isServerUnavailable } from './api-client.ts';

const okSchema = z.object({ ok: z.boolean() });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiClient', () => {
  it('returns the validated body of a 2xx', async () => {
    mockFetch(() => jsonResponse({ ok: true, extra: 1 }));
    await expect(apiClient.get('/api/x', okSchema)).resolves.toEqual({ ok: true });
  });

  it('turns the OpenAI error envelope into a typed ApiError', async () => {
    mockFetch(() => errorResponse(400, "Cannot cancel upload with status 'completed'.", 'invalid_request_error', 'bad_state'));
    const error = await failure(apiClient.post('/api/uploads/upload_a/cancel', okSchema));
    expect(error).toMatchObject({
      status: 400,
      message: "Cannot cancel upload with status 'completed'.",
      type: 'invalid_request_error',
      code: 'bad_state',
      param: null,
    });
  });

  it('keeps the status of an error whose body is not JSON', async () => {
    mockFetch(() => new Response('<html>502 Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await failure(apiClient.get('/api/uploads', okSchema));
    expect(error.status).toBe(502);
    expect(error.type).toBe('http_error');
    expect(error.message).toBe('The server answered 502 Bad Gateway without an error message.');
    expect(isServerUnavailable(error)).toBe(true);
  });

  it('reports a failed connection as status 0 with a plain message', async () => {
    mockFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await failure(apiClient.get('/api/uploads', okSchema));
    expect(error.status).toBe(0);
    expect(error.type).toBe('network_error');
    expect(error.message).toMatch(/network error/i);
    expect(isServerUnavailable(error)).toBe(true);
  });

  it('gives up after the timeout and says it timed out', async () => {
    mockFetch(
      ({ signal }) =>
        new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const error = await failure(apiClient.get('/api/uploads', okSchema, { timeoutMs: 20 }));
    expect(error.status).toBe(0);
    expect(error.type).toBe('timeout');
    expect(error.message).toMatch(/timed out/);
  });

  it('hands a cancellation by the caller back untouched', async () => {
    mockFetch(
      ({ signal }) =>
        new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const controller = new AbortController();
    const request = apiClient.get('/api/uploads', okSchema, { signal: controller.signal });
    controller.abort();
    await expect(request).rejects.not.toBeInstanceOf(ApiError);
  });

  it('rejects a 2xx whose body is not what the contract says', async () => {
    mockFetch(() => jsonResponse({ ok: 'yes' }));
    const error = await failure(apiClient.get('/api/x', okSchema));
    expect(error.type).toBe('invalid_response');
    expect(error.message).toContain('ok');
  });

  it('rejects a 2xx that is not JSON', async () => {
    mockFetch(() => new Response('<!doctype html>', { status: 200 }));
    const error = await failure(apiClient.get('/api/x', okSchema));
    expect(error.type).toBe('invalid_response');
  });

  it('sends the CSRF header on writes only, and JSON bodies as JSON', async () => {
    const fetchMock = mockFetch(() => jsonResponse({ ok: true }));
    await apiClient.get('/api/x', okSchema);
    await apiClient.post('/api/session', okSchema, { body: { token: 't' } });
    const [getCall, postCall] = fetchMock.mock.calls;
    expect(new Headers(getCall?.[1]?.headers).get('X-Requested-With')).toBeNull();
    const postHeaders = new Headers(postCall?.[1]?.headers);
    expect(postHeaders.get('X-Requested-With')).toBe('uploads-console');
    expect(postHeaders.get('Content-Type')).toBe('application/json');
    expect(postCall?.[1]?.body).toBe('{"token":"t"}');
  });

  it('accepts an empty 204', async () => {
    mockFetch(() => new Response(null, { status: 204 }));
    await expect(apiClient.delete('/api/session')).resolves.toBeUndefined();
  });
});
