// The SQLite store's checkpointer, on a worker thread (started by checkpointer.ts): its own
// connection copies the WAL's committed pages back into the database file with PASSIVE
// checkpoints, which never wait for and never block the writer, so the event loop never stalls
// on a checkpoint's page writes and fsyncs. Plain JavaScript: a worker thread loads it without
// the TypeScript loader the rest of the server runs under (tests, tsx alike).
import { statSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string, intervalMs: number }} */
const { path, intervalMs } = workerData;
// No busy wait: a checkpoint that finds the file busy does what it can now and tries again next time.
const db = new Database(path, { fileMustExist: true, timeout: 0 });

/** A WAL file larger than this is cut back once the store has been idle a while. */
const IDLE_WAL_BYTES = 4 * 1024 * 1024;
/** Checkpoints in a row with nothing new that count as idle. */
const IDLE_TICKS = Math.max(1, Math.round(2000 / intervalMs));

let lastFrames = -1;
let idleTicks = 0;
function tick() {
  // With no new frames a checkpoint does no I/O.
  const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
  idleTicks = log === lastFrames ? idleTicks + 1 : 0;
  lastFrames = log;
  // Idle with a large WAL (a burst of writes left it so): empty it and give the space back. This
  // one holds the write lock for a moment; a write that comes meanwhile waits (busy_timeout).
  if (idleTicks === IDLE_TICKS && statSync(`${path}-wal`, { throwIfNoEntry: false })?.size > IDLE_WAL_BYTES) {
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

// An error ends this thread; the main thread then checkpoints again itself (checkpointer.ts).
const timer = setInterval(() => {
  try {
    tick();
  } catch (error) {
    clearInterval(timer);
    db.close();
    throw error;
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
