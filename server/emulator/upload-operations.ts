// The four Uploads operations and their rules, independent of HTTP: each takes parsed input and
// returns the object OpenAI would return, or throws the ApiError OpenAI would answer with.
import { z } from 'zod';
import { UPLOAD_ID_PATTERN, type FileObject, type Upload, type UploadPart } from '#contract/uploads.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import { messages, uploadRuleMessages } from './openai-errors.ts';
import { newFileId, newPartId, newUploadId } from './ids.ts';
import {
  FILE_EXPIRY_SECONDS,
  MAX_UPLOAD_BYTES,
  UPLOAD_PURPOSES,
  UPLOAD_TTL_SECONDS,
  unsupportedMimeType,
} from './policy.ts';
import { receivePart } from './receive-part.ts';
import { parseBody } from './request-validation.ts';
import type { EmulatorState, UploadRecord } from './state.ts';

const createUploadBody = z.strictObject({
  filename: z.string().min(1),
  purpose: z.enum(UPLOAD_PURPOSES),
  // Range before integer-ness, so 1e300 is told "above maximum" rather than "not a safe integer".
  bytes: z.number().min(1).max(MAX_UPLOAD_BYTES).int(),
  mime_type: z.string().min(1),
  expires_after: z
    .strictObject({
      anchor: z.literal('created_at'),
      seconds: z.number().min(FILE_EXPIRY_SECONDS.min).max(FILE_EXPIRY_SECONDS.max).int(),
    })
    .optional(),
});

const completeUploadBody = z.strictObject({
  part_ids: z.array(z.string()).min(1),
  md5: z.string().regex(/^[0-9a-f]{32}$/i, { error: 'expected 32 hexadecimal characters' }).optional(),
});

export interface UploadOperationsDeps {
  state: EmulatorState;
  clock: Clock;
  maxPartBytes: number;
}

export interface IncomingPart {
  body: ReadableStream<Uint8Array> | null;
  contentType: string | undefined;
}

export type UploadOperations = ReturnType<typeof createUploadOperations>;

export function createUploadOperations({ state, clock, maxPartBytes }: UploadOperationsDeps) {
  const now = () => unixSeconds(clock);

  /** Malformed ids get the same 404 as unknown ones: OpenAI would not say more. */
  function findUpload(uploadId: string): UploadRecord {
    const record = UPLOAD_ID_PATTERN.test(uploadId) ? state.findUpload(uploadId, now()) : undefined;
    if (!record) throw new ApiError(404, messages.noSuchUpload(shorten(uploadId)));
    return record;
  }

  function findPendingUpload(uploadId: string, action: 'cancel' | 'complete' | 'add a part to'): UploadRecord {
    const record = findUpload(uploadId);
    if (record.upload.status !== 'pending') throw new ApiError(400, messages.wrongStatus(action, record.upload.status));
    return record;
  }

  return {
    create(body: unknown): Upload {
      const input = parseBody(createUploadBody, body);
      const supported = unsupportedMimeType(input.purpose, input.mime_type);
      if (supported !== null) {
        throw new ApiError(400, uploadRuleMessages.unsupportedMimeType(input.mime_type, input.purpose, supported), {
          param: 'mime_type',
          code: 'invalid_value',
        });
      }
      const createdAt = now();
      return state.insertUpload({
        id: newUploadId(createdAt),
        bytes: input.bytes,
        createdAt,
        expiresAt: createdAt + UPLOAD_TTL_SECONDS,
        filename: input.filename,
        purpose: input.purpose,
        mimeType: input.mime_type,
        fileExpiresAfterSeconds: input.expires_after?.seconds ?? null,
      });
    },

    async addPart(uploadId: string, part: IncomingPart): Promise<UploadPart> {
      // Checked before reading a byte, so a refused part costs the client no upload time.
      findPendingUpload(uploadId, 'add a part to');
      const createdAt = now();
      const partId = newPartId(createdAt);
      const size = await receivePart({ ...part, destination: state.partFilePath(partId), maxBytes: maxPartBytes });
      // Parts stream in parallel: the upload may have been completed, cancelled or expired meanwhile,
      // or sibling parts may have used up its 8 GB. From here to the insert nothing awaits.
      try {
        findPendingUpload(uploadId, 'add a part to');
        if (state.partBytesOf(uploadId) + size > MAX_UPLOAD_BYTES) {
          throw new ApiError(400, uploadRuleMessages.uploadTooLarge(uploadId, MAX_UPLOAD_BYTES), { param: 'data' });
        }
      } catch (error) {
        state.removePartFile(partId);
        throw error;
      }
      return state.insertPart({ id: partId, uploadId, size, createdAt });
    },

    async complete(uploadId: string, body: unknown): Promise<Upload> {
      const { upload } = findPendingUpload(uploadId, 'complete');
      const input = parseBody(completeUploadBody, body);

      let total = 0;
      const seen = new Set<string>();
      for (const partId of input.part_ids) {
        const part = state.findPart(partId);
        if (part?.uploadId !== uploadId) {
          throw new ApiError(400, uploadRuleMessages.partNotInUpload(shorten(partId), uploadId), { param: 'part_ids' });
        }
        if (seen.has(partId)) throw new ApiError(400, uploadRuleMessages.duplicatePart(partId), { param: 'part_ids' });
        seen.add(partId);
        total += part.size;
      }
      if (total !== upload.bytes) {
        throw new ApiError(400, uploadRuleMessages.sizeMismatch(upload.bytes, total), { param: 'part_ids' });
      }

      if (input.md5 !== undefined) {
        let actual: string;
        try {
          actual = await state.contentMd5(input.part_ids);
        } catch (error) {
          // The bytes vanish when a concurrent cancel (or a racing complete) finishes the upload.
          findPendingUpload(uploadId, 'complete');
          throw error;
        }
        if (actual !== input.md5.toLowerCase()) {
          throw new ApiError(400, uploadRuleMessages.md5Mismatch(input.md5, actual), { param: 'md5' });
        }
      }

      // Reading the parts awaited: check again, then finish with no await in between.
      const { upload: current, fileExpiresAfterSeconds } = findPendingUpload(uploadId, 'complete');
      const createdAt = now();
      const file: FileObject = {
        id: newFileId(),
        object: 'file',
        bytes: current.bytes,
        created_at: createdAt,
        expires_at: fileExpiresAfterSeconds === null ? null : createdAt + fileExpiresAfterSeconds,
        filename: current.filename,
        purpose: current.purpose,
        status: 'processed',
        status_details: null,
      };
      return state.completeUpload(uploadId, file);
    },

    cancel(uploadId: string): Upload {
      findPendingUpload(uploadId, 'cancel');
      return state.cancelUpload(uploadId);
    },
  };
}

/** Ids are echoed in messages; a crafted 10 KB id should not make a 10 KB error. */
function shorten(id: string, max = 64): string {
  return id.length > max ? `${id.slice(0, max)}…` : id;
}
