// Identifiers shaped like OpenAI's real ones: sibling objects (batches) carry a prefix plus
// 32 lowercase hex whose first 8 digits are `created_at`; files carry 22 base62 characters.
import { randomBytes, randomInt } from 'node:crypto';

function timeOrderedHex(createdAtSeconds: number): string {
  const time = (createdAtSeconds >>> 0).toString(16).padStart(8, '0');
  return time + randomBytes(12).toString('hex');
}

export const newUploadId = (createdAtSeconds: number): string => `upload_${timeOrderedHex(createdAtSeconds)}`;
export const newPartId = (createdAtSeconds: number): string => `part_${timeOrderedHex(createdAtSeconds)}`;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function newFileId(): string {
  let id = 'file-';
  for (let i = 0; i < 22; i++) id += BASE62[randomInt(BASE62.length)];
  return id;
}

export const newRequestId = (): string => `req_${randomBytes(16).toString('hex')}`;
