// The OpenAI Uploads wire contract, shared by the proxy (server/) and the dashboard (src/).
// This folder imports nothing from either side. Source: ../shared/docs/openai-uploads-contract.md
import { z } from 'zod';
import { UPLOAD_ID_PATTERN, UPLOAD_STATUSES } from './constants.ts';

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
