// Checkpoints off the event loop. SQLite's own checkpoints run on the connection that commits,
// right after the commit that takes the WAL past 1,000 pages: the thread that answers requests
// then writes those pages into the database file and waits for two fsyncs (measured in-process
// on our shared 2-core machine: a quarter to a third of the wall time of recording a cancel).
// Here a worker thread with its own connection checkpoints instead (checkpoint-worker.js),
// PASSIVE (it never waits for the writer, nor blocks it). The main connection keeps a checkpoint
// of its own only past a much larger WAL, so the WAL stays bounded even if the worker cannot keep
// up (a checkpoint that has not finished when the next write begins does not let the WAL
// restart), or is gone: then the main connection checkpoints as SQLite does by default.
//
// Nothing here decides durability: a commit is in the WAL before its caller is answered, and a
// crash at any point (mid-checkpoint included) leaves SQLite's WAL recovery to replay it on the
// next open.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '#server/lib/logger.ts';

/** How often the worker checkpoints what has been committed since its last checkpoint. */
const CHECKPOINT_INTERVAL_MS = 100;
/** The main connection's own checkpoint, past this many WAL pages (about 32 MB): only when the worker falls behind. */
const MAIN_CHECKPOINT_PAGES = 8192;
/** SQLite's default: what the main connection goes back to when the worker is gone. */
const DEFAULT_CHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  /** Stops the worker (the main connection's close then checkpoints what is left). */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the worker checkpoints (default 100 ms). */
  intervalMs?: number;
  /** The main connection's own checkpoint threshold while the worker runs (default 8192 pages). */
  mainCheckpointPages?: number;
  /** Told when the worker fails (the main connection then checkpoints as SQLite does by default). */
  logger?: Logger | undefined;
}

/** Starts checkpointing the WAL of `db` (a file in WAL mode, at `path`) on a worker thread. */
export function startCheckpointer(db: Database.Database, path: string, options: CheckpointerOptions = {}): Checkpointer {
  const { intervalMs = CHECKPOINT_INTERVAL_MS, mainCheckpointPages = MAIN_CHECKPOINT_PAGES, logger } = options;
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path, intervalMs } });
  // A store left open (a test that never closes it) must not keep the process alive.
  worker.unref();
  db.pragma(`wal_autocheckpoint = ${mainCheckpointPages}`);
  let closing = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!closing && db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
      resolve();
    });
  });
  // The worker's error ends it; the 'exit' above hands checkpoints back to the main connection.
  // A SqliteError thrown in the worker arrives as a structured clone that keeps only its `code`.
  worker.on('error', (error: unknown) =>
    logger?.warn('SQLite: the checkpoint worker failed; the main connection checkpoints the WAL from now on', {
      error: error instanceof Error ? error.message : String((error as { code?: unknown } | null)?.code ?? error),
    }),
  );
  return {
    async close() {
      closing = true;
      // Held from here until the worker has gone: unref'd, with nothing else left to wait for (a
      // shutdown's last step), the process would end here, before the store finished closing.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
