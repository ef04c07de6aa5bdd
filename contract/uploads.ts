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

// ---- Request bodies of the four operations -----------------------------------------------------
// OpenAI's published request shapes, as the emulator checks them (server/emulator/upload-operations.ts)
// and as the proxy's description (GET /v1/openapi.json) documents them.

/** `purpose` values OpenAI's spec lists, plus the two both official SDKs also send. */
export const CREATE_UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
/** Documented: an upload takes at most 8 GB in total. */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;
/** Documented as "64 MB"; our choice of the exact number is 64 MiB, the Python SDK's chunk size. */
export const MAX_UPLOAD_PART_BYTES = 64 * 1024 ** 2;
/** Documented bounds of `expires_after.seconds` (the resulting file's expiry). */
export const FILE_EXPIRY_SECONDS = { min: 3600, max: 2_592_000 } as const;

export const createUploadRequestSchema = z.strictObject({
  filename: z.string().min(1).describe('The name of the file to upload.'),
  purpose: z.enum(CREATE_UPLOAD_PURPOSES).describe('The intended purpose of the uploaded file.'),
  // Range before integer-ness, so 1e300 is told "above maximum" rather than "not a safe integer".
  bytes: z.number().min(1).max(MAX_UPLOAD_BYTES).int().describe('The number of bytes in the file you are uploading (at most 8 GB).'),
  mime_type: z
    .string()
    .min(1)
    .describe('The MIME type of the file. It must suit the purpose (e.g. `text/jsonl` for `batch` and `fine-tune`, `image/*` for `vision`).'),
  expires_after: z
    .strictObject({
      anchor: z.literal('created_at'),
      seconds: z.number().min(FILE_EXPIRY_SECONDS.min).max(FILE_EXPIRY_SECONDS.max).int(),
    })
    .optional()
    .describe("The expiration policy of the File created at completion (not of the Upload, which expires an hour after it is created)."),
}).meta({ examples: [{ filename: 'batch-input.jsonl', purpose: 'batch', bytes: 2048, mime_type: 'application/jsonl' }] });
export type CreateUploadRequest = z.infer<typeof createUploadRequestSchema>;

export const completeUploadRequestSchema = z.strictObject({
  part_ids: z.array(z.string()).min(1).describe('The ordered list of Part IDs.'),
  md5: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, { error: 'expected 32 hexadecimal characters' })
    .optional()
    .describe('The optional md5 checksum of the file contents, to verify that the bytes uploaded match what you expect.'),
}).meta({ examples: [{ part_ids: ['part_def456', 'part_ghi789'] }] });
export type CompleteUploadRequest = z.infer<typeof completeUploadRequestSchema>;

/** The multipart/form-data body of "add a part": one field, `data`, at most `maxBytes` long. */
export function addUploadPartRequestSchema(maxBytes: number = MAX_UPLOAD_PART_BYTES) {
  return z.strictObject({ data: z.file().max(maxBytes).describe('The chunk of bytes for this Part.') });
}

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

// fixstream: the 400s for a part body that is not the form the API takes. The emulator answers
// with them and the proxy refuses such a body itself before forwarding it.

/** OpenAI's own text (as quoted in public issues) for a body of the wrong Content-Type. */
export function invalidContentTypeMessage(got: string, expected: string): string {
  return `Invalid Content-Type header (${got}), expected ${expected}.`;
}

/** Our choice: a multipart/form-data body that cannot be parsed, and why. */
export function malformedMultipartMessage(detail: string): string {
  return `Could not parse the multipart/form-data body: ${detail}.`;
}
