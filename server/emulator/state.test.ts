import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, uploadPartSchema, uploadSchema } from '#contract/uploads.ts';
import { ManualClock } from '#server/lib/clock.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { startEmulator } from './server.ts';
import { openEmulatorState, SCHEMA_VERSION } from './state.ts';
import { partForm, TEST_API_KEY } from './test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'uploads-emulator-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EmulatorState on a file', () => {
  const databasePath = join(dir, 'nested', 'emulator.sqlite');
  const partsDir = join(dir, 'parts');
  const start = () =>
    startEmulator({ apiKey: TEST_API_KEY, databasePath, partsDir, clock: new ManualClock(Date.UTC(2026, 0, 1)), logger: silentLogger });
  const post = (url: string, body?: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }) },
      body: body instanceof FormData ? body : JSON.stringify(body ?? {}),
    });
  const createUpload = async (url: string, bytes: number) =>
    uploadSchema.parse(await (await post(`${url}/uploads`, { filename: 'a.txt', purpose: 'user_data', bytes, mime_type: 'text/plain' })).json());
  const addPart = async (url: string, uploadId: string, content: string) =>
    uploadPartSchema.parse(await (await post(`${url}/uploads/${uploadId}/parts`, partForm(content))).json());

  it('keeps uploads and parts across a restart, in a versioned WAL database', async () => {
    const first = await start();
    const upload = await createUpload(first.url, 6);
    const part = await addPart(first.url, upload.id, 'abc');
    const cancelled = await createUpload(first.url, 1);
    await post(`${first.url}/uploads/${cancelled.id}/cancel`);
    await first.close();

    const second = await start();
    try {
      const part2 = await addPart(second.url, upload.id, 'def');
      const done = await post(`${second.url}/uploads/${upload.id}/complete`, {
        part_ids: [part.id, part2.id],
        md5: createHash('md5').update('abcdef').digest('hex'),
      });
      expect(done.status).toBe(200);
      expect(uploadSchema.parse(await done.json()).file?.bytes).toBe(6);
      const again = await post(`${second.url}/uploads/${cancelled.id}/cancel`);
      expect(errorEnvelopeSchema.parse(await again.json()).error.message).toBe("Cannot cancel upload with status 'cancelled'.");
    } finally {
      await second.close();
    }

    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT status FROM uploads ORDER BY status').pluck().all()).toEqual(['cancelled', 'completed']);
      // Finished uploads keep their part rows but not their bytes.
      expect(db.prepare('SELECT COUNT(*) FROM parts WHERE path IS NOT NULL').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer schema', () => {
    const newer = join(dir, 'newer.sqlite');
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openEmulatorState({ databasePath: newer, partsDir })).toThrow(/schema version/);
  });
});

describe('EmulatorState', () => {
  const partsDir = join(dir, 'memory-parts');
  const state = openEmulatorState({ databasePath: ':memory:', partsDir });
  afterAll(() => state.close());
  const newUpload = (id: string, expiresAt: number) =>
    state.insertUpload({
      id,
      bytes: 6,
      createdAt: expiresAt - 3600,
      expiresAt,
      filename: 'x.bin',
      purpose: 'user_data',
      mimeType: 'application/octet-stream',
      fileExpiresAfterSeconds: null,
    });
  const storePart = (id: string, uploadId: string, content: string) => {
    writeFileSync(state.partFilePath(id), content);
    return state.insertPart({ id, uploadId, size: content.length, createdAt: 1 });
  };

  it('hashes parts in the order given, streaming their files', async () => {
    newUpload('upload_md5', 5000);
    storePart('part_one', 'upload_md5', 'abc');
    storePart('part_two', 'upload_md5', 'def');
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    expect(await state.contentMd5(['part_two', 'part_one'])).toBe(md5('defabc'));
    expect(state.partBytesOf('upload_md5')).toBe(6);
  });

  it('expires a pending upload as it is read once expires_at has come, and drops its bytes', () => {
    newUpload('upload_old', 1000);
    storePart('part_old', 'upload_old', 'abc');
    expect(state.findUpload('upload_old', 999)?.upload.status).toBe('pending');
    expect(state.findUpload('upload_old', 1000)?.upload.status).toBe('expired');
    expect(state.findUpload('upload_old', 0)?.upload.status).toBe('expired');
    expect(existsSync(state.partFilePath('part_old'))).toBe(false);
  });

  it('finds nothing for an unknown id', () => {
    expect(state.findUpload('upload_none', 0)).toBeUndefined();
    expect(state.findPart('part_none')).toBeUndefined();
  });
});
