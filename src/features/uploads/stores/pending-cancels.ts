// The one place that knows which uploads are being cancelled, whoever started it: a cancel held
// back for its undo window, a cancel request on its way (any cancel mutation still pending, from
// the list, the detail page or Cancel by id), and the rows a bulk job is about to cancel.
//
// The optimistic update is TanStack Query's "via the UI" variant: nothing writes "cancelled" into
// the cache before the server says so. Instead everything that shows or protects a row asks this
// store: the render overlay (`withPendingCancel`), the buttons and checkboxes
// (`useCancellingIds`) and the live-event write guard (`isCancelling`). So a refetch or an event
// that lands mid-cancel never shows the row as pending, and a refused cancel needs no rollback.
import { matchMutation, MutationObserver, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { cancelUpload, cancelUploadMutationOptions, type CancelUploadCallbacks, type CancelUploadVariables } from '#src/features/uploads/api/cancel-upload.ts';
import { withStatus } from '#src/features/uploads/api/upload-cache.ts';
import { uploadKeys } from '#src/features/uploads/api/upload-keys.ts';

/** How long a cancel from the list waits for an Undo before it is sent. */
export const UNDO_WINDOW_MS = 5_000;

export interface DeferredCancelCallbacks extends CancelUploadCallbacks {
  /** The request is going out now: the window is over, or the page is being hidden. */
  onSend?: (id: string) => void;
}

interface Deferred {
  timer: ReturnType<typeof setTimeout>;
  callbacks: DeferredCancelCallbacks;
}

interface Marked {
  ids: ReadonlySet<string>;
  /** null until the server has named the job. */
  jobId: string | null;
}

/** Rows marked for a bulk job that is being started. */
export interface BulkMark {
  /** The server has named the job: the rows stay marked until `settleBulk(jobId)`. */
  belongsTo: (jobId: string) => void;
  /** The job did not start: the rows read what the cache says again. */
  release: () => void;
}

const cancelMutations = { mutationKey: uploadKeys.cancel() };

function sameIds(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

export class PendingCancels {
  private readonly deferred = new Map<string, Deferred>();
  private readonly bulk = new Set<Marked>();
  private snapshot: ReadonlySet<string> = new Set();
  private readonly listeners = new Set<() => void>();
  private listening = false;

  constructor(private readonly client: QueryClient) {
    // The mutation cache learns of a cancel synchronously, as mutate() is called: no gap in which
    // a row that has left its undo window would read pending.
    client.getMutationCache().subscribe((event) => {
      if (event.mutation && matchMutation(cancelMutations, event.mutation)) this.changed();
    });
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every id being cancelled; a new set only when that changes. */
  getSnapshot = (): ReadonlySet<string> => this.snapshot;

  /** The one predicate: is anything cancelling this upload right now? */
  has(id: string): boolean {
    return this.snapshot.has(id);
  }

  /** Still inside its undo window. */
  isWaiting(id: string): boolean {
    return this.deferred.has(id);
  }

  /**
   * Holds a cancel back for the undo window, then sends it through the cancel mutation. False
   * when the upload is already being cancelled (waiting, on its way, or in a bulk job).
   */
  defer(id: string, callbacks: DeferredCancelCallbacks = {}): boolean {
    if (this.has(id)) return false;
    const timer = setTimeout(() => this.send(id, false), UNDO_WINDOW_MS);
    this.deferred.set(id, { timer, callbacks });
    this.listenForPageHide(true);
    this.changed();
    return true;
  }

  /** Drops a waiting cancel: nothing is sent. False when it is too late (or there was none). */
  undo(id: string): boolean {
    const entry = this.deferred.get(id);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.deferred.delete(id);
    if (this.deferred.size === 0) this.listenForPageHide(false);
    this.changed();
    return true;
  }

  /** Sends every waiting cancel now, with keepalive, so that they outlive the page. */
  flush = (): void => {
    for (const id of [...this.deferred.keys()]) this.send(id, true);
  };

  /** Marks the loaded rows a bulk job will cancel; only the job's starter calls this. */
  markBulk(ids: Iterable<string>): BulkMark {
    const marked: Marked = { ids: new Set(ids), jobId: null };
    this.bulk.add(marked);
    this.changed();
    return {
      belongsTo: (jobId) => {
        marked.jobId = jobId;
      },
      release: () => {
        if (this.bulk.delete(marked)) this.changed();
      },
    };
  }

  hasBulk(jobId: string): boolean {
    return [...this.bulk].some((marked) => marked.jobId === jobId);
  }

  /**
   * A bulk job is done: refetches what its rows show, then stops marking them, so they go
   * straight from "cancelled" to the server's word. Whoever sees the job finish asks for this.
   */
  async settleBulk(jobId: string): Promise<void> {
    await Promise.all([
      this.client.invalidateQueries({ queryKey: uploadKeys.lists() }),
      this.client.invalidateQueries({ queryKey: uploadKeys.matchings() }),
      this.client.invalidateQueries({ queryKey: uploadKeys.details() }),
    ]);
    let released = false;
    for (const marked of [...this.bulk]) {
      if (marked.jobId === jobId) released = this.bulk.delete(marked) || released;
    }
    if (released) this.changed();
  }

  private send(id: string, keepalive: boolean): void {
    const entry = this.deferred.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    // Issued right here, synchronously: while a page is hiding or closing, nothing that waits for
    // a later tick is sure to run. The mutation then only waits for that request's answer.
    const sent = keepalive ? cancelUpload({ id }, { keepalive: true }) : undefined;
    entry.callbacks.onSend?.(id);
    const options = cancelUploadMutationOptions(entry.callbacks);
    new MutationObserver(this.client, sent ? { ...options, mutationFn: () => sent } : options)
      .mutate({ id })
      // The callbacks report the outcome.
      .catch(() => undefined);
    // Only now that the mutation is pending does the entry leave: the id is never out of the set.
    this.deferred.delete(id);
    if (this.deferred.size === 0) this.listenForPageHide(false);
    this.changed();
  }

  private readonly onVisibilityChange = () => {
    if (document.visibilityState === 'hidden') this.flush();
  };

  private listenForPageHide(on: boolean): void {
    if (on === this.listening || typeof window === 'undefined') return;
    this.listening = on;
    if (on) {
      document.addEventListener('visibilitychange', this.onVisibilityChange);
      window.addEventListener('pagehide', this.flush);
    } else {
      document.removeEventListener('visibilitychange', this.onVisibilityChange);
      window.removeEventListener('pagehide', this.flush);
    }
  }

  private changed(): void {
    const ids = new Set<string>(this.deferred.keys());
    for (const marked of this.bulk) for (const id of marked.ids) ids.add(id);
    for (const mutation of this.client.getMutationCache().findAll({ ...cancelMutations, status: 'pending' })) {
      const id = (mutation.state.variables as CancelUploadVariables | undefined)?.id;
      if (id !== undefined) ids.add(id);
    }
    if (sameIds(ids, this.snapshot)) return;
    this.snapshot = ids;
    for (const listener of this.listeners) listener();
  }
}

const stores = new WeakMap<QueryClient, PendingCancels>();

/** One store per query client (and so per app, and per test). */
export function pendingCancelsFor(client: QueryClient): PendingCancels {
  let store = stores.get(client);
  if (!store) {
    store = new PendingCancels(client);
    stores.set(client, store);
  }
  return store;
}

export function usePendingCancels(): PendingCancels {
  return pendingCancelsFor(useQueryClient());
}

/** The write guard: a live event must not land on a row being cancelled. */
export function isCancelling(client: QueryClient, id: string): boolean {
  return pendingCancelsFor(client).has(id);
}

/** Ids of uploads being cancelled, for rendering: the overlay, the buttons, the checkboxes. */
export function useCancellingIds(): ReadonlySet<string> {
  const store = usePendingCancels();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The overlay: whatever the cache holds, an upload that is being cancelled reads "cancelled". */
export function withPendingCancel(record: UploadRecord, cancellingIds: ReadonlySet<string>): UploadRecord {
  return record.status === 'pending' && cancellingIds.has(record.upload.id) ? withStatus(record, 'cancelled') : record;
}
