// The OpenAI Uploads wire contract, shared by the proxy (server/) and the dashboard (src/).
// This folder imports nothing from either side. Source: ../shared/docs/openai-uploads-contract.md
import { z } from 'zod';
import { UPLOAD_ID_PATTERN, UPLOAD_STATUSES, type UploadStatus } from './constants.ts';

export { UPLOAD_ID_PATTERN, UPLOAD_STATUSES, type UploadStatus } from './constants.ts';
export const uploadIdSchema = z.string().regex(UPLOAD_ID_PATTERN, 'must look like upload_abc123');

export const fileObjectSchema = z.looseObject({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.number().int().nullable(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable().optional(),
  filename: z.string(),
  purpose: z.string(),
  status: z.string().optional(),
  status_details: z.string().nullable().optional(),
});
export type FileObject = z.infer<typeof fileObjectSchema>;

export const uploadSchema = z.looseObject({
  id: z.string(),
  object: z.literal('upload'),
  bytes: z.number().int(),
  created_at: z.number().int(),
  expires_at: z.number().int(),
  filename: z.string(),
  purpose: z.string(),
  status: z.enum(UPLOAD_STATUSES),
  file: fileObjectSchema.nullable().optional(),
});
export type Upload = z.infer<typeof uploadSchema>;

export const uploadPartSchema = z.looseObject({
  id: z.string(),
  object: z.literal('upload.part'),
  created_at: z.number().int(),
  upload_id: z.string(),
});
export type UploadPart = z.infer<typeof uploadPartSchema>;

export const errorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
export type ErrorBody = ErrorEnvelope['error'];

export function errorEnvelope(
  message: string,
  type = 'invalid_request_error',
  param: string | null = null,
  code: string | null = null,
): ErrorEnvelope {
  return { error: { message, type, param, code } };
}

// ---- Wording both ends of the wire depend on ---------------------------------------------------
// The emulator answers with these texts and the proxy reads them back, so each is written once.

/** OpenAI's own text for a 500. */
export const SERVER_ERROR_MESSAGE = 'The server had an error while processing your request. Sorry about that!';

export type UploadAction = 'cancel' | 'complete' | 'add a part to';

/**
 * Our choice (contract page; OpenAI documents no upload-specific text): the 400 for a cancel, a
 * completion or a part when the upload is no longer pending.
 */
export function wrongStatusMessage(action: UploadAction, status: UploadStatus): string {
  return `Cannot ${action} upload with status '${status}'.`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const [refusedHead, refusedTail] = wrongStatusMessage('cancel', 'pending').split('pending') as [string, string];
// The final period is optional, in case the real API words it without one.
const REFUSED_CANCEL = new RegExp(`^${escapeRegExp(refusedHead)}(completed|cancelled|expired)${escapeRegExp(refusedTail.replace(/\.$/, ''))}\\.?$`);

/**
 * The finished status a refused cancel names (the text of wrongStatusMessage('cancel', status));
 * null for any other message, which then reads as a plain 400.
 */
export function finishedStatusOf(message: string): Exclude<UploadStatus, 'pending'> | null {
  return (REFUSED_CANCEL.exec(message)?.[1] as Exclude<UploadStatus, 'pending'> | undefined) ?? null;
}
