import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { silentLogger, type Logger } from '#server/lib/logger.ts';
import { eventually } from '#server/test-support/eventually.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import { openSqliteStore } from './sqlite-store.ts';

const PAGE = 4096;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the checkpointer (a worker thread)', () => {
  let dir: string;
  let path: string;
  let db: Database.Database;
  let checkpointer: Checkpointer | null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uc-checkpointer-'));
    path = join(dir, 'db.sqlite');
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    checkpointer = null;
  });
  afterEach(async () => {
    await checkpointer?.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The rows in the database file alone, without its WAL: what has been checkpointed. */
  const rowsInFile = () => {
    const copy = join(dir, `copy-${Math.random()}.sqlite`);
    copyFileSync(path, copy);
    const reader = new Database(copy, { readonly: true });
    try {
      return reader.prepare('SELECT COUNT(*) FROM t').pluck().get() as number;
    } finally {
      reader.close();
    }
  };
  /** A transaction of `n` rows (about 17 to a page). */
  const insertGroup = () => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    return db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(200));
    });
  };

  it('copies committed pages into the database file soon after the commit, far below the main connection’s own threshold', async () => {
    // The worker's first checkpoint comes 200 ms after it starts: the file is read before that.
    checkpointer = startCheckpointer(db, path, { intervalMs: 200 });
    insertGroup()(100);
    // A few pages: the main connection would not checkpoint them itself (not before 8,192).
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(8192);
    expect(rowsInFile()).toBe(0);
    await eventually(() => expect(rowsInFile()).toBe(100));
  });

  it('keeps the WAL bounded under writes that never pause (the main connection’s own threshold still applies beside the worker)', async () => {
    checkpointer = startCheckpointer(db, path, { intervalMs: 10, mainCheckpointPages: 200 });
    const group = insertGroup();
    let largest = 0;
    // ~35 pages per transaction, back to back on this thread: about 14,000 pages in all.
    for (let i = 0; i < 400; i++) {
      group(600);
      largest = Math.max(largest, statSync(`${path}-wal`).size);
      if (i % 20 === 0) await sleep(1);
    }
    // Past 200 pages the writer's own checkpoint lets the WAL start over (or, when it finds the
    // worker mid-checkpoint, a later commit's does): a few times 200 pages, not all that was written.
    expect(largest).toBeLessThan(3000 * (PAGE + 24));
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(400 * 600);
  });

  it('gives the space of a WAL grown past 4 MB back once the store has been idle for 2 s', async () => {
    checkpointer = startCheckpointer(db, path, { intervalMs: 20, mainCheckpointPages: 1_000_000 });
    insertGroup()(30_000); // about 1,800 pages in one transaction: the WAL cannot restart within it
    const grown = statSync(`${path}-wal`).size;
    expect(grown).toBeGreaterThan(4 * 1024 * 1024);
    await eventually(() => expect(statSync(`${path}-wal`).size).toBe(0), 10_000);
    // Nothing was lost on the way: the rows are in the database file itself.
    expect(rowsInFile()).toBe(30_000);
  });

  it('gives checkpoints back to the main connection when the worker is gone, and says so in the log', async () => {
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { ...silentLogger, warn: (message, fields) => void warnings.push({ message, fields }) };
    checkpointer = startCheckpointer(db, join(dir, 'no-such-file.sqlite'), { logger });
    await eventually(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000));
    expect(warnings).toEqual([{ message: expect.stringMatching(/checkpoint worker failed/), fields: { error: 'SQLITE_CANTOPEN' } }]);
  });
});

describe('a SQLite store killed while its checkpointer works', () => {
  it('keeps every write it acknowledged: WAL recovery replays what the checkpoints had not copied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-checkpointer-kill-'));
    const path = join(dir, 'store.sqlite');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/test-support/checkpointed-writer.ts', path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let acknowledged = 0;
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          for (const match of chunk.toString().matchAll(/committed (\d+)/g)) acknowledged = Number(match[1]);
          // Enough for many worker checkpoints and some of the writer's own (past 8,192 pages).
          if (acknowledged >= 12_000) resolve();
        });
        child.once('exit', () => reject(new Error(`the writer exited early: ${stderr}`)));
      });
      child.kill('SIGKILL');
      await exited;

      const store = openSqliteStore(path, createStuckRule());
      try {
        const ids = store.withDatabase((db) => db.prepare('SELECT id FROM uploads ORDER BY id').pluck().all() as string[]);
        // Everything acknowledged is there, once; a group committed after the last line printed may be too.
        expect(ids.length).toBeGreaterThanOrEqual(acknowledged);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.slice(0, acknowledged)).toEqual(Array.from({ length: acknowledged }, (_, i) => `upload_${String(i).padStart(8, '0')}`));
        expect(store.withDatabase((db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
        expect((await store.countByStatus(1_800_000_000)).pending).toBe(ids.length);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a SQLite store closed as a process ends', () => {
  it('finishes closing when nothing else keeps the process alive: the WAL is checkpointed and removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-checkpointer-close-'));
    const path = join(dir, 'store.sqlite');
    try {
      // The worker thread is unref'd, so a store left open does not hold a process; its close still
      // has to wait for it (before the fix, the process ended in that wait: the bench's load run stopped there, silently).
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/test-support/checkpointed-writer.ts', path, '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout.trim().split('\n').at(-1)).toBe('closed');
      expect(existsSync(`${path}-wal`), 'the WAL left behind').toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
