import { errorEnvelope, errorEnvelopeSchema, type ErrorEnvelope } from '#contract/uploads.ts';

/**
 * Why an upstream call did not produce the object we asked for:
 * - `http`: the upstream answered with an error status (its envelope is kept verbatim);
 * - `timeout`: no answer within the timeout (the request may have reached the upstream);
 * - `unreachable`: the connection could not be made or broke before an answer;
 * - `bad_response`: a 2xx whose body is not the object the contract promises.
 */
export type UpstreamErrorKind = 'http' | 'timeout' | 'unreachable' | 'bad_response';

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    /** The upstream's status for `http`, otherwise 0. */
    readonly status: number,
    readonly envelope: ErrorEnvelope,
    readonly requestId: string | null = null,
    /** Headers worth passing on to clients (retry-after and friends). */
    readonly headers: Record<string, string> = {},
  ) {
    super(envelope.error.message);
    this.name = 'UpstreamError';
  }

  /** An error answer from the upstream, its envelope kept verbatim when it has one. */
  static answered(status: number, body: string, requestId: string | null, headers: Record<string, string>): UpstreamError {
    return new UpstreamError('http', status, envelopeFromBody(body, status), requestId, headers);
  }

  static timeout(ms: number): UpstreamError {
    return new UpstreamError(
      'timeout',
      0,
      errorEnvelope(`OpenAI did not answer within ${ms / 1000} s.`, 'upstream_timeout', null, 'upstream_timeout'),
    );
  }

  static unreachable(cause: string): UpstreamError {
    return new UpstreamError(
      'unreachable',
      0,
      errorEnvelope(`Could not reach OpenAI: ${cause}.`, 'upstream_unreachable', null, 'upstream_unreachable'),
    );
  }

  static badResponse(status: number, detail: string): UpstreamError {
    return new UpstreamError(
      'bad_response',
      status,
      errorEnvelope(`OpenAI answered ${status} with an unexpected body: ${detail}.`, 'upstream_error', null, 'upstream_bad_response'),
    );
  }
}

/** The OpenAI envelope in an error answer's body; an answer without one gets an envelope saying what came. */
export function envelopeFromBody(text: string, status: number): ErrorEnvelope {
  try {
    const parsed = errorEnvelopeSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through to a generic envelope
  }
  const snippet = text.trim().slice(0, 200);
  return errorEnvelope(
    snippet ? `OpenAI answered ${status}: ${snippet}` : `OpenAI answered ${status} with an empty body.`,
    status >= 500 ? 'server_error' : 'invalid_request_error',
  );
}
