// Group commit: the recording writes that concurrent requests ask for in one turn of the event
// loop run in one SQLite transaction, each in a savepoint of its own, and every caller's promise
// settles only after that transaction has committed. Most of a small write's cost is its commit
// (the WAL frames of every page it touched: the table, its indexes, the counts, the audit log);
// fifty audit entries in one commit write those pages once instead of fifty times. A caller is
// never answered before its write is durable, and one failing write (its savepoint rolled back)
// does not fail the others.
import type Database from 'better-sqlite3';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly inSavepoint: (queued: Queued) => unknown;
  private readonly all: (batch: Queued[]) => ({ ok: true; value: unknown } | { ok: false; error: unknown })[];

  constructor(db: Database.Database) {
    // Inside a transaction better-sqlite3 runs a transaction function as a savepoint: a throw rolls back that write alone.
    this.inSavepoint = db.transaction((queued: Queued) => queued.work());
    const all = db.transaction((batch: Queued[]) =>
      batch.map((queued) => {
        try {
          return { ok: true as const, value: this.inSavepoint(queued) };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
    // IMMEDIATE: the writes read before they write (see recordUpload); take the write lock first.
    this.all = (batch) => all.immediate(batch);
  }

  /** Runs `work` (synchronous SQLite statements) in the next group transaction; resolves after it commits. */
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
    let results: ReturnType<typeof this.all>;
    try {
      results = this.all(batch);
    } catch (error) {
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
