import type { BulkCancelJob, UploadList, UploadRecord } from '#contract/dashboard-api.ts';
import type { Upload } from '#contract/uploads.ts';

const NOW = Math.floor(Date.now() / 1000);

export function makeUpload(overrides: Partial<Upload> = {}): Upload {
  return {
    id: 'upload_abc123',
    object: 'upload',
    bytes: 2_147_483_648,
    created_at: NOW - 600,
    expires_at: NOW + 3000,
    filename: 'training.jsonl',
    purpose: 'fine-tune',
    status: 'pending',
    file: null,
    ...overrides,
  };
}

export function makeRecord(upload: Partial<Upload> = {}, overrides: Partial<UploadRecord> = {}): UploadRecord {
  const built = makeUpload(upload);
  return {
    upload: built,
    status: built.status,
    parts_count: 2,
    bytes_received: 134_217_728,
    last_activity_at: NOW - 60,
    first_seen_at: built.created_at,
    seen_via: 'create',
    cancelled_by: null,
    cancelled_at: null,
    stuck: null,
    cancel_outcome_unknown: false,
    client: { name: 'team-a', sdk: 'node 6.49.0' },
    ...overrides,
  };
}

export function makeList(data: UploadRecord[]): UploadList {
  const counts = { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };
  for (const record of data) counts[record.status] += 1;
  return { object: 'list', data, has_more: false, next_cursor: null, counts };
}

/** A running bulk cancel of `total` uploads, none done yet. */
export function makeJob(total: number, overrides: Partial<BulkCancelJob> = {}): BulkCancelJob {
  return {
    id: 'bulk_0123456789abcdef01234567',
    object: 'bulk_cancel',
    state: 'running',
    created_by: 'ops',
    created_at: 1,
    finished_at: null,
    reason: null,
    total,
    progress: { pending: total, cancelled: 0, already_finished: 0, not_found: 0, failed: 0, unknown: 0, skipped: 0 },
    concurrency: 8,
    ...overrides,
  };
}
