// What the uploads page shows only once the operator does something (confirm a bulk cancel,
// select rows, cancel by id) or something happens (a bulk job, news to announce): each in a chunk
// of its own, fetched just after the first screen (src/lib/deferred-component.tsx), so the first
// screen's JS carries the list itself and not these.
import { deferred } from '#src/lib/deferred-component.tsx';

export const DeferredBulkCancelDialog = deferred(() => import('./bulk-cancel-dialog.tsx').then((module) => module.BulkCancelDialog));
export const DeferredBulkCancelProgress = deferred(() => import('./bulk-cancel-progress.tsx').then((module) => module.BulkCancelProgress));
export const DeferredCancelByIdDialog = deferred(() => import('./cancel-by-id-dialog.tsx').then((module) => module.CancelByIdDialog));
export const DeferredKeyboardShortcutList = deferred(() => import('./keyboard-shortcut-list.tsx').then((module) => module.KeyboardShortcutList));
export const DeferredLiveAnnouncer = deferred(() => import('./live-announcer.tsx').then((module) => module.LiveAnnouncer));
export const DeferredSelectionBar = deferred(() => import('./selection-bar.tsx').then((module) => module.SelectionBar));

/** Fetches every part's code (each at most once): when the first rows are painted and the browser is idle, and on intent. */
export async function preloadListParts(): Promise<void> {
  const parts = [DeferredBulkCancelDialog, DeferredBulkCancelProgress, DeferredCancelByIdDialog, DeferredKeyboardShortcutList, DeferredLiveAnnouncer, DeferredSelectionBar];
  await Promise.all(parts.map((part) => part.preload()));
}
