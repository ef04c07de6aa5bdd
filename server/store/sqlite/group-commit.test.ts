import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  let reader: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uc-group-commit-'));
    db = new Database(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    // Another connection sees only what has been committed.
    reader = new Database(join(dir, 'db.sqlite'), { readonly: true });
  });
  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = () => (reader.prepare('SELECT v FROM t ORDER BY id').pluck().all() as string[]);

  it('commits the writes asked for in one turn together, and answers each only after the commit', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const seenAtAnswer: string[][] = [];
    const writes = ['a', 'b', 'c'].map((v) =>
      group.run(() => {
        // Every write of the group runs inside the same open transaction.
        expect(db.inTransaction).toBe(true);
        return insert.run(v).lastInsertRowid;
      }).then((id) => {
        seenAtAnswer.push(committed());
        return id;
      }),
    );
    // Nothing is written before the turn ends.
    expect(committed()).toEqual([]);
    expect(await Promise.all(writes)).toEqual([1, 2, 3]);
    // Each caller, when answered, could already read all three from another connection.
    expect(seenAtAnswer).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']]);
  });

  it('rolls back a failing write alone: the others of its group are committed', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      group.run(() => insert.run('x')),
      group.run(() => {
        insert.run('half-done');
        insert.run('x'); // UNIQUE: this write fails after writing a row
      }),
      group.run(() => insert.run('y')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed()).toEqual(['x', 'y']);
  });

  it('flush() commits what is queued at once (before the store closes)', async () => {
    const group = new GroupCommit(db);
    const write = group.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('now'));
    group.flush();
    expect(committed()).toEqual(['now']);
    await write;
  });
});
