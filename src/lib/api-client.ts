// The dashboard's only door to /api. It reports every failure as an ApiError and leaves toasts
// and navigation to the caller: a wrapper that reacts on its own hides failures from the code
// that knows what the user was doing.
import { z } from 'zod';

export const REQUEST_TIMEOUT_MS = 15_000;

/** The server demands this header on every non-GET request (CSRF protection). */
const CSRF_HEADER = { 'X-Requested-With': 'uploads-console' } as const;

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

// Lenient on purpose: any body that carries error.message is worth showing, even when a hop in
// between (a reverse proxy, say) dropped one of the four keys the contract promises.
const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.string().nullish(),
  }),
});

export function errorFromResponse(status: number, statusText: string, bodyText: string): ApiError {
  const parsed = errorBodySchema.safeParse(parseJson(bodyText));
  if (parsed.success) {
    const { message, type, param, code } = parsed.data.error;
    return new ApiError({ status, message, type: type ?? 'http_error', param, code });
  }
  const reason = statusText ? `${status} ${statusText}` : String(status);
  return new ApiError({ status, type: 'http_error', message: `The server answered ${reason} without an error message.` });
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

async function request(method: 'GET' | 'POST' | 'DELETE', path: string, options: RequestOptions = {}): Promise<{ status: number; text: string }> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, CSRF_HEADER);
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

function parseBody<T>(schema: z.ZodType<T>, status: number, text: string): T {
  const json = parseJson(text);
  if (json === undefined) {
    throw new ApiError({ status, type: 'invalid_response', message: 'The server answered with something that is not JSON.' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ApiError({ status, type: 'invalid_response', message: `The server's answer has an unexpected shape${where}.` });
  }
  return parsed.data;
}

export const apiClient = {
  async get<T>(path: string, schema: z.ZodType<T>, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    const { status, text } = await request('GET', path, options);
    return parseBody(schema, status, text);
  },
  async post<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const { status, text } = await request('POST', path, options);
    return parseBody(schema, status, text);
  },
  async delete(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<void> {
    await request('DELETE', path, options);
  },
};
