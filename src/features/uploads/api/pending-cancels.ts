// Cancels that the cache alone cannot describe: the ones held back for a few seconds so the
// operator can undo them, the ones whose request is on its way, and the rows a bulk job is
// about to cancel. All of them read "cancelled" on screen, and nothing (a refetch, a live event)
// may flip them back to pending until the server has had its say.
import { MutationObserver, useMutationState, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useMemo, useSyncExternalStore } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { cancelUpload, cancelUploadMutationOptions, type CancelUploadCallbacks, type CancelUploadVariables } from './cancel-upload.ts';
import { withStatus } from './upload-cache.ts';
import { uploadKeys } from './upload-keys.ts';

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

export class PendingCancels {
  private readonly deferred = new Map<string, Deferred>();
  /** Sent from here and not settled yet (the mutation cache knows them too, a tick later). */
  private readonly sending = new Set<string>();
  /** Rows marked for a bulk job, by a key: a local one until the server names the job. */
  private readonly bulk = new Map<string, ReadonlySet<string>>();
  private snapshot: ReadonlySet<string> = new Set();
  private readonly listeners = new Set<() => void>();
  private listening = false;

  constructor(private readonly client: QueryClient) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every id this store holds as "being cancelled"; a new set whenever it changes. */
  getSnapshot = (): ReadonlySet<string> => this.snapshot;

  has(id: string): boolean {
    return this.snapshot.has(id);
  }

  /** Still inside its undo window. */
  isWaiting(id: string): boolean {
    return this.deferred.has(id);
  }

  /**
   * Holds a cancel back for the undo window, then sends it through the optimistic cancel
   * mutation. False when that upload already has a cancel waiting or on its way.
   */
  defer(id: string, callbacks: DeferredCancelCallbacks = {}): boolean {
    if (this.deferred.has(id) || this.sending.has(id)) return false;
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

  markBulk(key: string, ids: Iterable<string>): void {
    this.bulk.set(key, new Set(ids));
    this.changed();
  }

  renameBulk(from: string, to: string): void {
    const ids = this.bulk.get(from);
    if (!ids) return;
    this.bulk.delete(from);
    this.bulk.set(to, ids);
  }

  hasBulk(key: string): boolean {
    return this.bulk.has(key);
  }

  unmarkBulk(key: string): void {
    if (this.bulk.delete(key)) this.changed();
  }

  private send(id: string, keepalive: boolean): void {
    const entry = this.deferred.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.deferred.delete(id);
    this.sending.add(id);
    if (this.deferred.size === 0) this.listenForPageHide(false);
    // Issued right here, synchronously: while a page is hiding or closing, nothing that waits
    // for a later tick is sure to run.
    const sent = keepalive ? cancelUpload({ id }, { keepalive: true }) : undefined;
    // The mutation below reports the outcome; this only keeps the rejection from going unhandled.
    sent?.catch(() => undefined);
    entry.callbacks.onSend?.(id);
    const observer = new MutationObserver(this.client, cancelUploadMutationOptions(entry.callbacks));
    observer
      .mutate({ id, sent })
      .catch(() => undefined)
      .finally(() => {
        this.sending.delete(id);
        this.changed();
      });
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
    const ids = new Set<string>([...this.deferred.keys(), ...this.sending]);
    for (const marked of this.bulk.values()) for (const id of marked) ids.add(id);
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

/** Whether anything is cancelling this upload right now: a waiting, sending or bulk cancel. */
export function isCancelling(client: QueryClient, id: string): boolean {
  if (pendingCancelsFor(client).has(id)) return true;
  return (
    client.getMutationCache().findAll({
      mutationKey: uploadKeys.cancel(),
      status: 'pending',
      predicate: (mutation) => (mutation.state.variables as CancelUploadVariables | undefined)?.id === id,
    }).length > 0
  );
}

/** Ids of uploads that read "cancelled" before the server has confirmed it. */
export function usePendingCancelIds(): ReadonlySet<string> {
  const store = usePendingCancels();
  const held = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const mutating = useMutationState({
    filters: { mutationKey: uploadKeys.cancel(), status: 'pending' },
    select: (mutation) => (mutation.state.variables as CancelUploadVariables | undefined)?.id,
  });
  return useMemo(() => {
    const ids = new Set(held);
    for (const id of mutating) if (id !== undefined) ids.add(id);
    return ids;
  }, [held, mutating]);
}

/**
 * The render-time half of the optimistic update: whatever a background refetch has just
 * written, an upload that is being cancelled reads "cancelled".
 */
export function withPendingCancel(record: UploadRecord, pendingIds: ReadonlySet<string>): UploadRecord {
  return record.status === 'pending' && pendingIds.has(record.upload.id) ? withStatus(record, 'cancelled') : record;
}
