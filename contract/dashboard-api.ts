// Shapes of the dashboard's own API (/api/*), shared by the proxy and the dashboard.
import { z } from 'zod';
import { UPLOAD_STATUSES, uploadSchema } from './uploads.ts';

/** What the proxy knows about an upload beyond the Upload object itself. */
export const uploadRecordSchema = z.object({
  upload: uploadSchema,
  /** Effective status: `expired` is derived for pending uploads past `expires_at`. */
  status: z.enum(UPLOAD_STATUSES),
  parts_count: z.number().int(),
  bytes_received: z.number().int(),
  /** Unix seconds of the last thing the proxy saw happen to this upload. */
  last_activity_at: z.number().int(),
  first_seen_at: z.number().int(),
  /** How the proxy first learned of the upload: through create, or only through a cancel by id. */
  seen_via: z.enum(['create', 'cancel', 'complete', 'part']),
  cancelled_by: z.string().nullable(),
  cancelled_at: z.number().int().nullable(),
});
export type UploadRecord = z.infer<typeof uploadRecordSchema>;

export const uploadListSchema = z.object({
  object: z.literal('list'),
  data: z.array(uploadRecordSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
  /** Status counts over all recorded uploads (not only this page). */
  counts: z.record(z.enum(UPLOAD_STATUSES), z.number().int()),
});
export type UploadList = z.infer<typeof uploadListSchema>;

export const listQuerySchema = z.object({
  status: z.enum(UPLOAD_STATUSES).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const sessionSchema = z.object({
  operator: z.string(),
  upstream: z.enum(['emulator', 'openai']),
});
export type Session = z.infer<typeof sessionSchema>;
