// The dashboard's only door to /api. It reports every failure as an ApiError and leaves toasts
// and navigation to the caller: a wrapper that reacts on its own hides failures from the code
// that knows what the user was doing.
//
// Why no zod here (the contract's schemas are zod): it was about 25 kB gz of the first screen's
// JS, nearly as much as the dashboard's own code, to check what is already guaranteed. The
// server is ours, same-origin, built from the same contract types, and validates at its own
// edge. So answers get light checks, only where they earn their keep: a 2xx that is not JSON
// (an HTML page from something in between), an answer that is not the kind of object asked for
// (`object: 'list'`, `'upload'`, …) or lacks a key the dashboard reads, and the error envelope,
// whose message is shown to the operator. src/ imports only types from the zod modules of
// contract/ (lint enforces it); runtime constants come from contract/constants.ts.

import { CSRF_HEADER, CSRF_VALUE } from '#contract/constants.ts';
import { takePageAnswer } from './page-answers.ts';

export const REQUEST_TIMEOUT_MS = 15_000;

export interface ApiErrorFields {
  /** HTTP status, or 0 when no answer arrived (network failure or timeout). */
  status: number;
  message: string;
  type: string;
  code?: string | null;
  param?: string | null;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;

  constructor({ status, message, type, code = null, param = null }: ApiErrorFields) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.status === 401;
}

/** No answer, or the console's own server failed: the kind of failure worth retrying quietly. */
export function isServerUnavailable(error: unknown): boolean {
  return isApiError(error) && (error.status === 0 || error.status >= 500);
}

const optionalString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

// Lenient on purpose: any body that carries error.message is worth showing, even when a hop in
// between (a reverse proxy, say) dropped one of the four keys the contract promises.
export function errorFromResponse(status: number, statusText: string, bodyText: string): ApiError {
  const body = parseJson(bodyText);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  if (error && typeof error.message === 'string') {
    return new ApiError({
      status,
      message: error.message,
      type: optionalString(error.type) ?? 'http_error',
      param: optionalString(error.param),
      code: optionalString(error.code),
    });
  }
  const reason = statusText ? `${status} ${statusText}` : String(status);
  return new ApiError({ status, type: 'http_error', message: `The server answered ${reason} without an error message.` });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface RequestOptions {
  body?: unknown;
  /** react-query's signal: aborting it means nobody wants the answer any more. */
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Lets the request outlive the page (fetch keepalive): for a cancel sent while the tab is
   * being hidden or closed. The request is issued synchronously, before the first await.
   */
  keepalive?: boolean;
}

async function request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<{ status: number; text: string }> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { Accept: 'application/json' };
  // The server demands it on every non-GET request (CSRF protection).
  if (method !== 'GET') headers[CSRF_HEADER] = CSRF_VALUE;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal,
      ...(options.keepalive ? { keepalive: true } : {}),
    });
    // The body is read inside the same guard: a connection can drop or time out mid-body.
    text = await response.text();
  } catch (error) {
    // A cancellation by the caller is not a failure: hand it back untouched so react-query
    // recognises it and keeps the previous data.
    if (options.signal?.aborted) throw error;
    if (timeout.aborted) {
      throw new ApiError({ status: 0, type: 'timeout', message: `The request timed out after ${timeoutMs / 1000} s.` });
    }
    throw new ApiError({ status: 0, type: 'network_error', message: "Network error: the Uploads Console server couldn't be reached." });
  }

  if (!response.ok) throw errorFromResponse(response.status, response.statusText, text);
  return { status: response.status, text };
}

/**
 * What an answer must look like to be taken as a T: for the OpenAI-style objects, the value of
 * `object`; and the keys the dashboard reads unconditionally. Written next to each fetcher.
 */
export interface Expected<T> {
  object?: string;
  keys: readonly (keyof T & string)[];
}

/** Where `body` departs from `expected`: '' for the body itself, a key, or null when it does not. */
function mismatch<T>(body: unknown, { object, keys }: Expected<T>): string | null {
  if (!isObject(body)) return '';
  if (object !== undefined && body.object !== object) return 'object';
  return keys.find((key) => !(key in body)) ?? null;
}

/** For answers that arrive some other way than apiClient (live events). */
export function hasShape<T>(body: unknown, expected: Expected<T>): body is T {
  return mismatch(body, expected) === null;
}

function parseBody<T>(expected: Expected<T>, status: number, text: string): T {
  const json = parseJson(text);
  if (json === undefined) {
    throw new ApiError({ status, type: 'invalid_response', message: 'The server answered with something that is not JSON.' });
  }
  return checkBody(expected, status, json);
}

function checkBody<T>(expected: Expected<T>, status: number, json: unknown): T {
  const where = mismatch(json, expected);
  if (where !== null) {
    throw new ApiError({ status, type: 'invalid_response', message: `The server's answer has an unexpected shape${where ? ` at ${where}` : ''}.` });
  }
  return json as T;
}

export const apiClient = {
  async get<T>(path: string, expected: Expected<T>, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    // Written into the page by the server moments ago (src/lib/page-answers.ts): no request needed.
    const early = takePageAnswer(path);
    if (early !== undefined) return checkBody(expected, 200, early);
    const { status, text } = await request('GET', path, options);
    return parseBody(expected, status, text);
  },
  async post<T>(path: string, expected: Expected<T>, options: RequestOptions = {}): Promise<T> {
    const { status, text } = await request('POST', path, options);
    return parseBody(expected, status, text);
  },
  async put<T>(path: string, expected: Expected<T>, options: RequestOptions = {}): Promise<T> {
    const { status, text } = await request('PUT', path, options);
    return parseBody(expected, status, text);
  },
  async patch<T>(path: string, expected: Expected<T>, options: RequestOptions = {}): Promise<T> {
    const { status, text } = await request('PATCH', path, options);
    return parseBody(expected, status, text);
  },
  async delete(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<void> {
    await request('DELETE', path, options);
  },
};
