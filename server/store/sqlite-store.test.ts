import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { migrations } from './migrations.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { InvalidCursorError, type UploadStore } from './upload-store.ts';

const T0 = 1_800_000_000;

function upload(id: string, overrides: Partial<Upload> = {}): Upload {
  const created_at = overrides.created_at ?? T0;
  return {
    id,
    object: 'upload',
    bytes: 1000,
    created_at,
    expires_at: created_at + 3600,
    filename: `${id}.jsonl`,
    purpose: 'batch',
    status: 'pending',
    file: null,
    ...overrides,
  };
}

let dir: string;
let path: string;
let store: UploadStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uc-store-'));
  path = join(dir, 'nested', 'store.sqlite');
  store = openSqliteStore(path);
});
afterEach(async () => {
  await store.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('opening the store', () => {
  it('creates the file in WAL mode with every migration applied', async () => {
    await store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'uploads'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['uploads_by_created', 'uploads_by_status_created']));
    db.close();
  });

  it('keeps every recorded upload across a reopen, and does not re-run migrations', async () => {
    await store.recordUpload(upload('upload_a'), { at: T0, via: 'create' });
    await store.recordUpload(upload('upload_b', { status: 'cancelled' }), { at: T0 + 5, via: 'cancel', actor: 'ops' });
    await store.close();
    store = openSqliteStore(path);
    const b = await store.getUpload('upload_b', T0 + 10);
    expect(b).toMatchObject({ status: 'cancelled', cancelled_by: 'ops', cancelled_at: T0 + 5, seen_via: 'cancel' });
    expect((await store.listUploads({ limit: 10 }, T0)).data.map((r) => r.upload.id).sort()).toEqual(['upload_a', 'upload_b']);
  });

  it('uses the list index for status-filtered, newest-first pages', async () => {
    await store.close();
    const db = new Database(path);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM uploads WHERE status = 'cancelled' ORDER BY created_at DESC, id DESC LIMIT 10")
      .all()
      .map((row) => (row as { detail: string }).detail)
      .join(' ');
    expect(plan).toContain('uploads_by_status_created');
    expect(plan).not.toContain('TEMP B-TREE');
    db.close();
  });
});

describe('recording', () => {
  it('derives expired for a pending upload past expires_at, without changing what was stored', async () => {
    await store.recordUpload(upload('upload_a'), { at: T0, via: 'create' });
    expect((await store.getUpload('upload_a', T0 + 3599))?.status).toBe('pending');
    const later = await store.getUpload('upload_a', T0 + 3600);
    expect(later?.status).toBe('expired');
    expect(later?.upload.status).toBe('pending'); // the raw object stays as the upstream sent it
  });

  it('counts parts once each and tracks the last activity', async () => {
    await store.recordUpload(upload('upload_a'), { at: T0, via: 'create' });
    const part = { id: 'part_1', object: 'upload.part' as const, created_at: T0 + 1, upload_id: 'upload_a' };
    await store.recordPart(part, 400, T0 + 60);
    await store.recordPart(part, 400, T0 + 61);
    await store.recordPart({ ...part, id: 'part_2' }, 100, T0 + 120);
    expect(await store.getUpload('upload_a', T0)).toMatchObject({ parts_count: 2, bytes_received: 500, last_activity_at: T0 + 120 });
  });

  it('counts parts seen before their upload once the upload is recorded', async () => {
    await store.recordPart({ id: 'part_1', object: 'upload.part', created_at: T0, upload_id: 'upload_x' }, 250, T0);
    await store.recordUpload(upload('upload_x', { status: 'cancelled' }), { at: T0 + 5, via: 'cancel', actor: 'ops' });
    expect(await store.getUpload('upload_x', T0)).toMatchObject({ parts_count: 1, bytes_received: 250, seen_via: 'cancel' });
  });

  it('never lets a stale pending object resurrect a finished upload', async () => {
    await store.recordUpload(upload('upload_a', { status: 'cancelled' }), { at: T0 + 10, via: 'cancel', actor: 'ops' });
    await store.recordUpload(upload('upload_a'), { at: T0 + 20, via: 'create' });
    expect((await store.getUpload('upload_a', T0 + 20))?.status).toBe('cancelled');
  });

  it('records who cancelled and when, once', async () => {
    await store.recordUpload(upload('upload_a'), { at: T0, via: 'create' });
    await store.recordUpload(upload('upload_a', { status: 'cancelled' }), { at: T0 + 30, via: 'cancel', actor: 'alice' });
    await store.recordUpload(upload('upload_a', { status: 'cancelled' }), { at: T0 + 40, via: 'cancel', actor: 'bob' });
    expect(await store.getUpload('upload_a', T0)).toMatchObject({ cancelled_by: 'alice', cancelled_at: T0 + 30, seen_via: 'create' });
  });

  it('keeps the completed File object', async () => {
    const file = { id: 'file-abc', object: 'file' as const, bytes: 1000, created_at: T0 + 9, filename: 'a.jsonl', purpose: 'batch', status: 'processed' };
    await store.recordUpload(upload('upload_a', { status: 'completed', file }), { at: T0 + 9, via: 'complete' });
    expect((await store.getUpload('upload_a', T0 + 99999))?.upload.file).toEqual(file);
    expect((await store.getUpload('upload_a', T0 + 99999))?.status).toBe('completed');
  });
});

describe('listing', () => {
  beforeEach(async () => {
    // 25 uploads, one a second; every 5th cancelled, every 7th completed.
    for (let i = 0; i < 25; i++) {
      const status = i % 5 === 0 ? 'cancelled' : i % 7 === 0 ? 'completed' : 'pending';
      await store.recordUpload(upload(`upload_${String(i).padStart(3, '0')}`, { created_at: T0 + i, status }), { at: T0 + i, via: 'create' });
    }
  });

  it('pages newest first with a cursor, without gaps or duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listUploads({ limit: 4, cursor }, T0);
      seen.push(...page.data.map((r) => r.upload.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('upload_024');
    expect(seen.at(-1)).toBe('upload_000');
  });

  it('filters by effective status, expired included', async () => {
    const now = T0 + 3600 + 10; // uploads created at T0..T0+10 have expired by now
    const expired = await store.listUploads({ status: 'expired', limit: 100 }, now);
    const pending = await store.listUploads({ status: 'pending', limit: 100 }, now);
    expect(expired.data.every((r) => r.status === 'expired' && r.upload.created_at <= T0 + 10)).toBe(true);
    expect(pending.data.every((r) => r.status === 'pending' && r.upload.created_at > T0 + 10)).toBe(true);
    const counts = await store.countByStatus(now);
    expect(counts).toMatchObject({ pending: pending.data.length, expired: expired.data.length, cancelled: 5, completed: 3 });
    expect(counts.pending + counts.expired + counts.cancelled + counts.completed).toBe(25);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(store.listUploads({ limit: 5, cursor: 'not-a-cursor' }, T0)).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.listUploads({ limit: 5, cursor: Buffer.from("1:x' OR 1=1").toString('base64url') }, T0)).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
