import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorEnvelope, type ErrorEnvelope } from '#contract/uploads.ts';

/** An error meant for the client: it leaves the server as the OpenAI envelope with this status. */
export class ApiError extends Error {
  readonly envelope: ErrorEnvelope;
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    options: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.envelope = errorEnvelope(message, options.type ?? 'invalid_request_error', options.param ?? null, options.code ?? null);
    this.headers = options.headers ?? {};
  }
  readonly headers: Record<string, string>;
}

/** Echo at most this much of a client's input in a message, so a 10 KB id makes a short error. */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
