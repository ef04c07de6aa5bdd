// Applies the server's live events (GET /api/events) to the query cache, so every open list and
// detail shows a change within a moment of it happening, whoever made it. Its own chunk, loaded
// just after the first screen (use-live-updates.ts).
import type { QueryClient } from '@tanstack/react-query';
import type { BulkCancelJob, StatusCounts, UploadRecord } from '#contract/dashboard-api.ts';
import { hasShape, type Expected } from '#src/lib/api-client.ts';
import { connectLiveEvents } from '#src/lib/live-events.ts';
import { isCancelling, pendingCancelsFor } from '#src/features/uploads/stores/pending-cancels.ts';
import { bulkCancelJobShape } from './get-bulk-cancel.ts';
import { uploadRecordShape } from './get-upload.ts';
import { updateCachedUpload, writeKeepingAge, type UploadListData } from './upload-cache.ts';
import { bulkCancelKeys, uploadKeys } from './upload-keys.ts';

const statusCountsShape: Expected<StatusCounts> = { keys: ['pending', 'completed', 'cancelled', 'expired', 'stuck'] };

/** New uploads show up through a refetch, at most this often however busy the proxy is. */
export const NEW_UPLOAD_REFETCH_MS = 2_000;
/** The uploads-over-time chart follows changes through a refetch, at most this often. */
export const ACTIVITY_REFETCH_MS = 2_000;
/** The per-client counts follow changes through a refetch, at most this often (between their polls). */
export const CLIENTS_REFETCH_MS = 2_000;

/**
 * Writes a changed record wherever it is cached, except over a row that is being cancelled (in
 * its undo window, on its way, or in a bulk job): there the server's answer to the cancel
 * decides, not an event that may have left before it. Answers whether any loaded list page
 * holds the record. Writes keep dataUpdatedAt: an event is not a fetch (the indicator tracks
 * events itself).
 */
export function applyUploadEvent(client: QueryClient, record: UploadRecord): boolean {
  const guarded = isCancelling(client, record.upload.id);
  return updateCachedUpload(client, record.upload.id, (cached) => (guarded ? cached : record));
}

/** The counts ride on every list page; the tabs read the first page's. */
export function applyCountsEvent(client: QueryClient, counts: StatusCounts): void {
  for (const [queryKey, data] of client.getQueriesData<UploadListData>({ queryKey: uploadKeys.lists() })) {
    if (!data) continue;
    writeKeepingAge(client, queryKey, { ...data, pages: data.pages.map((page) => ({ ...page, counts })) });
  }
}

/** Progress of a job someone follows; events carry no items, so the ones already fetched stay. */
export function applyJobEvent(client: QueryClient, job: BulkCancelJob): void {
  const key = bulkCancelKeys.detail(job.id);
  const cached = client.getQueryData<BulkCancelJob>(key);
  if (!cached) return;
  // Events can overtake a slower poll; never let progress go backwards.
  if (cached.state === 'done' && job.state === 'running') return;
  writeKeepingAge(client, key, { ...job, items: job.items ?? cached.items });
}

/** Time for the page that started a job to settle its rows itself (it knows their outcomes). */
const SETTLE_GRACE_MS = 3_000;

/** A finished job whose rows nobody settled (the list that started it was left): ask the store to. */
function settleBulkRows(client: QueryClient, jobId: string): void {
  const pendingCancels = pendingCancelsFor(client);
  if (!pendingCancels.hasBulk(jobId)) return;
  setTimeout(() => {
    if (pendingCancels.hasBulk(jobId)) void pendingCancels.settleBulk(jobId);
  }, SETTLE_GRACE_MS);
}

/** Calls `run` now, or once `ms` after it last ran; calls in between collapse into one. */
function throttle(run: () => void, ms: number) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    run();
  };
  return {
    call() {
      if (timer !== undefined) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}

export function subscribeToLiveUpdates(client: QueryClient, url = '/api/events'): () => void {
  const refreshLists = () => {
    void client.invalidateQueries({ queryKey: uploadKeys.lists() });
    void client.invalidateQueries({ queryKey: uploadKeys.matchings() });
  };
  const newUploads = throttle(refreshLists, NEW_UPLOAD_REFETCH_MS);
  // Any change to an upload may move the chart (a new bar segment, a status changing colour).
  const activity = throttle(() => void client.invalidateQueries({ queryKey: uploadKeys.activities() }), ACTIVITY_REFETCH_MS);
  // And the per-client counts (a new upload, an owner filled in, a pending one finishing).
  const clients = throttle(() => void client.invalidateQueries({ queryKey: uploadKeys.clients() }), CLIENTS_REFETCH_MS);
  const disconnect = connectLiveEvents(url, {
    handlers: {
      upload: (data) => {
        if (!hasShape(data, uploadRecordShape)) return;
        activity.call();
        clients.call();
        if (!applyUploadEvent(client, data)) newUploads.call();
      },
      counts: (data) => {
        if (hasShape(data, statusCountsShape)) applyCountsEvent(client, data);
      },
      job: (data) => {
        if (!hasShape(data, bulkCancelJobShape)) return;
        applyJobEvent(client, data);
        // The page that started the job settles its rows itself; this is for a page that has
        // since been left (the list unmounted), so its rows do not read "cancelled" forever.
        if (data.state === 'done') settleBulkRows(client, data.id);
      },
    },
    // After a gap in the stream, events may have been missed: catch up once.
    onReady: (first) => {
      if (!first) {
        refreshLists();
        void client.invalidateQueries({ queryKey: bulkCancelKeys.all });
        activity.call();
        clients.call();
      }
    },
  });
  return () => {
    newUploads.cancel();
    activity.cancel();
    clients.cancel();
    disconnect();
  };
}
