// Tests mock the network at its very edge (global fetch) and nothing else, so the api client,
// query cache and components all run as they do in the browser.
import { vi } from 'vitest';

export interface MockRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | undefined;
  /** The request may outlive the page (fetch's keepalive). */
  keepalive: boolean;
}

export type MockHandler = (request: MockRequest) => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function errorResponse(status: number, message: string, type = 'invalid_request_error', code: string | null = null): Response {
  return jsonResponse({ error: { message, type, param: null, code } }, status);
}

/** A promise the test settles when it chooses: "the server has not answered yet". */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function mockFetch(handler: MockHandler) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://console.test');
    const text = typeof init.body === 'string' ? init.body : undefined;
    return handler({
      method: init.method ?? 'GET',
      url,
      headers: new Headers(init.headers),
      body: text === undefined ? undefined : JSON.parse(text),
      signal: init.signal ?? undefined,
      keepalive: init.keepalive === true,
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
