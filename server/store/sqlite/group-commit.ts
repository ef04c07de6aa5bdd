// Group commit: the recording writes that concurrent requests ask for in one turn of the event
// loop run in one SQLite transaction, and every caller's promise settles only after that
// transaction has committed. Most of a small write's cost is its commit (the WAL frames of every
// page it touched: the table, its indexes, the counts, the audit log); fifty audit entries in one
// commit write those pages once instead of fifty times. A caller is never answered before its
// write is durable.
//
// The writes run one after the other without savepoints: a savepoint per write made SQLite copy
// every page each write touched into its sub-journal and flush the FTS5 search index's pending
// rows at every savepoint (measured: a tenth to a fifth of the CPU time of recording a cancel).
// If a write fails (or ends the transaction), that pass is rolled back and the whole group runs
// again, each write in a savepoint of its own: one failing write (its savepoint rolled back) then
// does not fail the others, except when its error makes SQLite roll back the whole transaction
// (SQLITE_FULL, IOERR, NOMEM, a RAISE(ROLLBACK)): then none of the group is written, and each
// caller is told so (see GroupRolledBack). So a write's work may run twice, and must be SQLite
// statements only.
import type Database from 'better-sqlite3';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A write's failure rolled back the whole group transaction: the writes run before it are undone
 * with it, and the ones after it are not run at all (run outside the transaction, each would commit
 * alone while the group reported failure). Thrown out of the group transaction so it does not COMMIT.
 */
class GroupRolledBack extends Error {
  constructor(
    /** The index of the write whose failure rolled the transaction back. */
    readonly failedAt: number,
    readonly failure: unknown,
  ) {
    super('SQLite rolled back the group transaction');
  }
}

/** What the other writes of a group rolled back by one write's failure are rejected with. */
export class GroupWriteNotCommitted extends Error {
  constructor(ran: boolean, cause: unknown) {
    super(
      ran
        ? 'This write was not committed: another write in its group failed and SQLite rolled back the whole transaction, this write with it.'
        : 'This write was not run: another write in its group failed and SQLite rolled back the whole transaction before its turn.',
      { cause },
    );
  }
}

/** Thrown out of the first pass (no savepoints) when a write failed or ended the transaction: that pass is rolled back, and the group runs again in savepoints. */
class RunInSavepoints extends Error {}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly direct: (batch: Queued[]) => Result[];
  private readonly inSavepoints: (batch: Queued[]) => Result[];

  constructor(db: Database.Database) {
    const direct = db.transaction((batch: Queued[]) =>
      batch.map((queued): Result => {
        let value: unknown;
        try {
          value = queued.work();
        } catch {
          throw new RunInSavepoints();
        }
        // The write ended the transaction itself: the ones after it would each commit alone.
        if (!db.inTransaction) throw new RunInSavepoints();
        return { ok: true, value };
      }),
    );
    // Inside a transaction better-sqlite3 runs a transaction function as a savepoint: a throw rolls back that write alone.
    const inSavepoint = db.transaction((queued: Queued) => queued.work());
    const inSavepoints = db.transaction((batch: Queued[]) =>
      batch.map((queued, i): Result => {
        try {
          return { ok: true, value: inSavepoint(queued) };
        } catch (error) {
          // The savepoint was rolled back, or (SQLITE_FULL, IOERR, NOMEM...) the whole transaction was.
          if (!db.inTransaction) throw new GroupRolledBack(i, error);
          return { ok: false, error };
        }
      }),
    );
    // IMMEDIATE: the writes read before they write (see recordUpload); take the write lock first.
    this.direct = (batch) => direct.immediate(batch);
    this.inSavepoints = (batch) => inSavepoints.immediate(batch);
  }

  /** Runs `work` (synchronous SQLite statements only: it may run twice) in the next group transaction; resolves after it commits. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After this turn's I/O callbacks: every request whose answer arrived in it joins the group.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now (before the store closes). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let results: Result[];
    try {
      try {
        results = this.direct(batch);
      } catch (error) {
        if (!(error instanceof RunInSavepoints)) throw error;
        results = this.inSavepoints(batch);
      }
    } catch (error) {
      if (error instanceof GroupRolledBack) {
        // Nothing of the group was written: the failing write is told its own error, the others why they were not.
        batch.forEach((queued, i) =>
          queued.reject(i === error.failedAt ? error.failure : new GroupWriteNotCommitted(i < error.failedAt, error.failure)),
        );
        return;
      }
      // BEGIN or COMMIT failed (the file busy past busy_timeout, the disk full): nothing of the group was written.
      for (const queued of batch) queued.reject(error);
      return;
    }
    batch.forEach((queued, i) => {
      const result = results[i]!;
      if (result.ok) queued.resolve(result.value);
      else queued.reject(result.error);
    });
  }
}
