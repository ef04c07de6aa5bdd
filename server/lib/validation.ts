// Validation at the edge: every request input goes through zod here and a failure becomes a 400
// in the OpenAI envelope that names the offending parameter.
import type { Context } from 'hono';
import type { z } from 'zod';
import { uploadIdSchema } from '#contract/uploads.ts';
import { ApiError, quote } from './api-error.ts';

export function invalid(error: z.ZodError, where: string): ApiError {
  const issue = error.issues[0]!;
  const param = issue.path.length ? issue.path.join('.') : null;
  const message = param ? `Invalid ${where} '${param}': ${issue.message}.` : `Invalid ${where}: ${issue.message}.`;
  return new ApiError(400, message, { param });
}

export async function parseJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseJson(c, schema, await c.req.text(), false);
}

/** A JSON body that may be absent altogether (no body, or an empty one, is `{}`). */
export async function parseOptionalJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseJson(c, schema, await c.req.text(), true);
}

function parseJson<T extends z.ZodType>(c: Context, schema: T, text: string, emptyIsObject: boolean): z.infer<T> {
  let json: unknown = {};
  if (!emptyIsObject || text.trim() !== '') {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new ApiError(415, `Expected a JSON body (Content-Type: application/json), got ${type ? quote(type, 60) : 'none'}.`);
    }
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'We could not parse the JSON body of your request. Send valid JSON.');
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalid(parsed.error, 'body parameter');
  return parsed.data;
}

export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw invalid(parsed.error, 'query parameter');
  return parsed.data;
}

export function parseUploadId(raw: string): string {
  const parsed = uploadIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiError(400, `Invalid upload id ${quote(raw)}: it must look like upload_abc123 (letters, digits, _ and -).`, { param: 'upload_id', code: 'invalid_upload_id' });
  }
  return parsed.data;
}

