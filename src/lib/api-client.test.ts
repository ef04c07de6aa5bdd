import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { ApiError, apiClient, hasShape, isServerUnavailable, type Expected } from './api-client.ts';

const okSchema: Expected<{ ok: boolean }> = { keys: ['ok'] };
const listShape: Expected<{ object: 'list'; data: unknown[] }> = { object: 'list', keys: ['data'] };

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

describe('apiClient', () => {
  it('returns the body of a 2xx that has the expected shape', async () => {
    mockFetch(() => jsonResponse({ ok: true, extra: 1 }));
    await expect(apiClient.get('/api/x', okSchema)).resolves.toEqual({ ok: true, extra: 1 });
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

  it('shows the message of an envelope a hop in between trimmed, and ignores keys of the wrong type', async () => {
    mockFetch(() => jsonResponse({ error: { message: 'Too many requests', code: 42 } }, 429));
    const error = await failure(apiClient.get('/api/uploads', okSchema));
    expect(error).toMatchObject({ status: 429, message: 'Too many requests', type: 'http_error', code: null, param: null });
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

  it('rejects a 2xx that lacks a key the dashboard reads', async () => {
    mockFetch(() => jsonResponse({ fine: true }));
    const error = await failure(apiClient.get('/api/x', okSchema));
    expect(error.type).toBe('invalid_response');
    expect(error.message).toBe("The server's answer has an unexpected shape at ok.");
  });

  it('rejects a 2xx that is another kind of object than the one asked for', async () => {
    mockFetch(() => jsonResponse({ object: 'upload', data: [] }));
    const error = await failure(apiClient.get('/api/uploads', listShape));
    expect(error.type).toBe('invalid_response');
    expect(error.message).toBe("The server's answer has an unexpected shape at object.");
    mockFetch(() => jsonResponse([{ object: 'list', data: [] }]));
    expect((await failure(apiClient.get('/api/uploads', listShape))).message).toBe("The server's answer has an unexpected shape.");
  });

  it('checks live events with the same shapes', () => {
    expect(hasShape({ object: 'list', data: [] }, listShape)).toBe(true);
    expect(hasShape({ object: 'list' }, listShape)).toBe(false);
    expect(hasShape(null, listShape)).toBe(false);
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
