// The emulator's rules where OpenAI publishes numbers, and our choices where it publishes none.
// Everything here is a single place to correct the day real behaviour is known
// (see ../shared/docs/openai-uploads-contract.md).

export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];

/** Documented: an upload takes at most 8 GB in total. */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;
/** Documented as "64 MB"; our choice of the exact number is 64 MiB, the Python SDK's chunk size. */
export const MAX_PART_BYTES = 64 * 1024 ** 2;
/** Documented: an upload expires one hour after it is created. */
export const UPLOAD_TTL_SECONDS = 3600;
/** Documented bounds of `expires_after.seconds` (the resulting file's expiry). */
export const FILE_EXPIRY_SECONDS = { min: 3600, max: 2_592_000 } as const;
/** Our choice: JSON bodies (create, complete) are small; this bounds what we read into memory. */
export const MAX_JSON_BODY_BYTES = 8 * 1024 ** 2;

const JSONL_TYPES = ['text/jsonl', 'application/jsonl', 'application/json', 'application/x-ndjson', 'application/jsonlines'];

/**
 * Our choice: which `mime_type` suits which purpose. OpenAI only says the type "must fall within
 * the supported MIME types for your file purpose"; `null` means any non-empty type.
 */
const MIME_TYPES_BY_PURPOSE: Record<UploadPurpose, { accepts: (mimeType: string) => boolean; describe: string } | null> = {
  batch: jsonl(),
  'fine-tune': jsonl(),
  evals: jsonl(),
  vision: { accepts: (type) => /^image\/[a-z0-9.+-]+$/.test(type), describe: 'image/*' },
  assistants: null,
  user_data: null,
};

function jsonl() {
  return { accepts: (type: string) => JSONL_TYPES.includes(type), describe: JSONL_TYPES.join(', ') };
}

/** Returns why `mimeType` does not suit `purpose` (the supported types), or null when it does. */
export function unsupportedMimeType(purpose: UploadPurpose, mimeType: string): string | null {
  const rule = MIME_TYPES_BY_PURPOSE[purpose];
  // Media types are case-insensitive and may carry parameters (`text/jsonl; charset=utf-8`).
  const essence = mimeType.replace(/;.*$/s, '').trim().toLowerCase();
  if (rule === null || rule.accepts(essence)) return null;
  return rule.describe;
}
