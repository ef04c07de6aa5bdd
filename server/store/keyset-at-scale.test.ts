// Issue 4: keyset pagination at 100,000 rows stays correct (no duplicates, no gaps) while rows
// change underneath: new uploads arrive, others are cancelled, completed, or expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { UploadStore } from './upload-store.ts';

const ROWS = 100_000;
const NOW = 1_800_000_000;
let store: UploadStore;

const upload = (i: number, created_at: number, status: Upload['status'] = 'pending'): Upload => ({
  id: `upload_${i.toString(16).padStart(8, '0')}`,
  object: 'upload',
  bytes: 1000 + (i % 97),
  created_at,
  expires_at: created_at + 3600,
  filename: `file-${i}.jsonl`,
  purpose: 'batch',
  status,
  file: null,
});

beforeAll(async () => {
  store = openSqliteStore(':memory:');
  // Several uploads share each second, so the id tie-breaker is exercised throughout.
  for (let i = 0; i < ROWS; i++) await store.recordUpload(upload(i, NOW - 1800 + Math.floor(i / 60)), { at: NOW, via: 'create' });
}, 120_000);
afterAll(() => store.close());

describe(`keyset pagination over ${ROWS.toLocaleString('en-US')} rows`, () => {
  it('returns every row once, newest first, while uploads arrive and others change status', async () => {
    const seen = new Set<string>();
    let duplicates = 0;
    let cursor: string | undefined;
    let pages = 0;
    let extra = ROWS;
    do {
      const page = await store.listUploads({ limit: 500, cursor }, NOW);
      for (const record of page.data) {
        if (seen.has(record.upload.id)) duplicates++;
        seen.add(record.upload.id);
      }
      cursor = page.nextCursor ?? undefined;
      pages++;
      // Between pages: new uploads arrive (newer than anything listed), and some listed and
      // some not-yet-listed uploads change status. None of that may shift the pages still to come.
      for (let k = 0; k < 5; k++) await store.recordUpload(upload(extra++, NOW + pages), { at: NOW, via: 'create' });
      const later = (pages * 997) % ROWS;
      await store.recordUpload(upload(later, NOW - 1800 + Math.floor(later / 60), 'cancelled'), { at: NOW, via: 'cancel', actor: 'ops' });
    } while (cursor);
    expect(duplicates).toBe(0);
    for (let i = 0; i < ROWS; i++) expect(seen.has(upload(i, 0).id)).toBe(true);
    expect(pages).toBeGreaterThanOrEqual(ROWS / 500);
  }, 120_000);

  it('a status filter loses no row that kept its status, while others leave the filter', async () => {
    const seen = new Set<string>();
    const cancelledMidway = new Set<string>();
    let cursor: string | undefined;
    let step = 0;
    do {
      const page = await store.listUploads({ status: 'pending', limit: 1000, cursor }, NOW);
      for (const record of page.data) {
        expect(seen.has(record.upload.id)).toBe(false);
        seen.add(record.upload.id);
      }
      cursor = page.nextCursor ?? undefined;
      // Cancel an upload further down the list: it may legitimately vanish from later pages.
      const victim = (step++ * 7919 + 13) % ROWS;
      const id = upload(victim, 0).id;
      if (!seen.has(id)) cancelledMidway.add(id);
      await store.recordUpload(upload(victim, NOW - 1800 + Math.floor(victim / 60), 'cancelled'), { at: NOW, via: 'cancel', actor: 'ops' });
    } while (cursor);
    // Every upload that was pending from start to end was served once; none cancelled ahead of the cursor was.
    let missing = 0;
    let after: string | undefined;
    do {
      const page = await store.listUploads({ status: 'pending', limit: 1000, cursor: after }, NOW);
      for (const record of page.data) if (!seen.has(record.upload.id)) missing++;
      after = page.nextCursor ?? undefined;
    } while (after);
    expect(missing).toBe(0);
    expect(seen.size).toBeGreaterThan(ROWS / 2);
    for (const id of cancelledMidway) expect(seen.has(id)).toBe(false);
  }, 120_000);
});
