import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit, GroupWriteNotCommitted } from './group-commit.ts';

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

  it('runs each write once when none fails', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const runs = [0, 0, 0];
    await Promise.all(['a', 'b', 'c'].map((v, i) => group.run(() => (runs[i]!++, insert.run(v)))));
    expect(runs).toEqual([1, 1, 1]);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a failing write alone: the others of its group are committed', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const runs = [0, 0, 0];
    const results = await Promise.allSettled([
      group.run(() => (runs[0]!++, insert.run('x'))),
      group.run(() => {
        runs[1]!++;
        insert.run('half-done');
        insert.run('x'); // UNIQUE: this write fails after writing a row
      }),
      group.run(() => (runs[2]!++, insert.run('y'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<Database.RunResult>).value.lastInsertRowid).toBe(1);
    expect(committed()).toEqual(['x', 'y']);
    // The first pass (no savepoints) stopped at the failure and was rolled back; the second ran every write in its own savepoint.
    expect(runs).toEqual([2, 2, 1]);
  });

  it('when one write makes SQLite roll back the whole transaction, reports every write of the group as not committed, and commits none', async () => {
    // RAISE(ROLLBACK) undoes the whole transaction, as SQLITE_FULL, IOERR or NOMEM can: no ROLLBACK TO is left to run.
    db.exec("CREATE TRIGGER doom BEFORE INSERT ON t WHEN NEW.v = 'doom' BEGIN SELECT RAISE(ROLLBACK, 'the disk is full'); END");
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let ranAfter = 0;
    const writes = [
      group.run(() => insert.run('before')),
      group.run(() => insert.run('x')),
      group.run(() => insert.run('doom')),
      group.run(() => {
        ranAfter++;
        return insert.run('after');
      }),
      group.run(() => {
        ranAfter++;
        return insert.run('last');
      }),
    ];
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason as Error);
    // The failing write is told its own error; the others why they were not committed, with it as the cause.
    expect(reasons[2]!.message).toBe('the disk is full');
    for (const i of [0, 1]) {
      expect(reasons[i]).toBeInstanceOf(GroupWriteNotCommitted);
      expect(reasons[i]!.message).toMatch(/^This write was not committed: .*rolled back the whole transaction/);
      expect(reasons[i]!.cause).toBe(reasons[2]);
    }
    for (const i of [3, 4]) {
      expect(reasons[i]).toBeInstanceOf(GroupWriteNotCommitted);
      expect(reasons[i]!.message).toMatch(/^This write was not run: /);
    }
    // The writes after the failure never ran (outside the transaction each would have committed alone).
    expect(ranAfter).toBe(0);
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);

    // The next group is unaffected.
    await Promise.all([group.run(() => insert.run('next')), group.run(() => insert.run('after'))]);
    expect(committed()).toEqual(['next', 'after']);
  });

  it('a write that ends the transaction itself (ROLLBACK) fails, and so does its group, without a later write committing alone', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      group.run(() => insert.run('a')),
      group.run(() => {
        insert.run('b');
        db.exec('ROLLBACK'); // returns normally: the RELEASE of its savepoint then fails
      }),
      group.run(() => insert.run('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(GroupWriteNotCommitted);
    expect((results[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(GroupWriteNotCommitted);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(GroupWriteNotCommitted);
    expect(committed()).toEqual([]);
  });

  it('flush() commits what is queued at once (before the store closes)', async () => {
    const group = new GroupCommit(db);
    const write = group.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('now'));
    group.flush();
    expect(committed()).toEqual(['now']);
    await write;
  });
});
