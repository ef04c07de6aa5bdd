// The one place an error becomes what a client reads. Routes and services throw what they know
// (ApiError, UpstreamError, InvalidCursorError); app.onError calls toApiError and sends its
// envelope. A database that cannot be reached is a 503 the client may retry, not a bug. Anything
// else is a bug: it is logged and answered with OpenAI's own 500 text.
import { HTTPException } from 'hono/http-exception';
import { errorEnvelope, SERVER_ERROR_MESSAGE, type ErrorEnvelope } from '#contract/uploads.ts';
import { InvalidCursorError } from '#server/store/upload-store.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';
import { ApiError } from './api-error.ts';
import { isStoreUnavailable } from './store-unavailable.ts';

/**
 * Who reads the answer: an operator's dashboard or script (`/api`), or an OpenAI SDK client of
 * the pass-through (`/v1`). They differ only in what they can do about the server's own key.
 */
export type ErrorSurface = 'dashboard' | 'pass_through';

/** The envelope of an unexpected failure: it says nothing about what went wrong inside. */
export const INTERNAL_ERROR: ErrorEnvelope = errorEnvelope(SERVER_ERROR_MESSAGE, 'server_error');

/** The code of the 503 answered while the database cannot be reached (OpenAI's SDKs retry a 503 by themselves). */
export const STORE_UNAVAILABLE = 'store_unavailable';

/** The client's answer for a known kind of error; null for anything unexpected. */
export function toApiError(error: unknown, surface: ErrorSurface): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamError) return fromUpstream(error, surface);
  if (error instanceof InvalidCursorError) return new ApiError(400, error.message, { param: 'cursor' });
  if (error instanceof HTTPException) return new ApiError(error.status, error.message || 'The request could not be handled.');
  if (isStoreUnavailable(error)) {
    // Says nothing about the database (no host, no driver message): only that it is a passing state.
    return new ApiError(503, "The Uploads Console cannot reach its database right now. Try again in a few seconds.", {
      type: 'server_error',
      code: STORE_UNAVAILABLE,
      headers: { 'retry-after': '2' },
    });
  }
  return null;
}

/**
 * Upstream errors keep their status, envelope and retry headers, except a 401 or 403: that is the
 * server's own key being rejected. It must not read as the operator's session ending, nor as the
 * client's token being wrong, and OpenAI's message quotes part of the key, so it is not passed on.
 */
function fromUpstream(error: UpstreamError, surface: ErrorSurface): ApiError {
  const { message, type, param, code } = error.envelope.error;
  switch (error.kind) {
    case 'http':
      if (error.status === 401 || error.status === 403) {
        const fix = surface === 'dashboard' ? 'Check OPENAI_API_KEY on the server.' : "Ask the Uploads Console's operator to check the server's OPENAI_API_KEY.";
        return new ApiError(502, `OpenAI rejected this server's API key (${code ?? `status ${error.status}`}). ${fix}`, {
          type: 'upstream_auth_error',
          code: 'upstream_auth_failed',
        });
      }
      return new ApiError(error.status as 400, message, { type, param, code, headers: error.headers });
    case 'timeout':
      return new ApiError(504, message, { type, code });
    case 'unreachable':
    case 'bad_response':
      return new ApiError(502, message, { type, code });
  }
}
