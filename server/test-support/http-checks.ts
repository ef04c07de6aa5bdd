// Checks the route tests share: an upload made through the /v1 pass-through, and an error answer
// in the OpenAI envelope.
import { expect } from 'vitest';
import { errorEnvelopeSchema, uploadSchema, type Upload } from '#contract/uploads.ts';
import type { Harness } from '#server/test-support/harness.ts';

/** Creates a 10-byte batch upload as the client (POST /v1/uploads); the proxy must answer 200. */
export async function createUploadVia(h: Pick<Harness, 'v1'>, filename: string): Promise<Upload> {
  const res = await h.v1('/uploads', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filename, purpose: 'batch', bytes: 10, mime_type: 'application/jsonl' }),
  });
  expect(res.status).toBe(200);
  return uploadSchema.parse(await res.json());
}

/** Expects `status` with an OpenAI error envelope (its message matching `message`, if given); returns the error. */
export async function expectEnvelope(res: Response, status: number, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = errorEnvelopeSchema.parse(await res.json());
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}
