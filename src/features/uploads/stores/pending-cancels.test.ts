import { MutationObserver } from '@tanstack/react-query';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { deferred, errorResponse, jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { makeList, makeRecord } from '#src/testing/fixtures.ts';
import { createTestQueryClient } from '#src/testing/render.tsx';
import { cancelUploadMutationOptions } from '#src/features/uploads/api/cancel-upload.ts';
import type { UploadListData } from '#src/features/uploads/api/upload-cache.ts';
import { uploadKeys } from '#src/features/uploads/api/upload-keys.ts';
import { isCancelling, pendingCancelsFor, UNDO_WINDOW_MS, withPendingCancel } from './pending-cancels.ts';

const pending = makeRecord({ id: 'upload_pending1', filename: 'training.jsonl' });
const cancelledUpload: Upload = { ...pending.upload, status: 'cancelled' };

function setup(answer: () => Response | Promise<Response> = () => jsonResponse(cancelledUpload)) {
  const fetchMock = mockFetch(answer);
  const client = createTestQueryClient();
  const list: UploadListData = { pages: [makeList([pending])], pageParams: [null] };
  client.setQueryData(uploadKeys.list({}), list);
  const store = pendingCancelsFor(client);
  const cancelCalls = () => fetchMock.mock.calls.filter(([url]) => String(url).endsWith('/cancel'));
  const listed = () => client.getQueryData<UploadListData>(uploadKeys.list({}))?.pages[0]?.data[0];
  return { fetchMock, client, store, cancelCalls, listed };
}

beforeEach(() => {
  vi.useFakeTimers();
});

describe('a cancel held back for undo', () => {
  it('sends nothing for five seconds, then sends it through the cancel mutation', async () => {
    const { store, cancelCalls, listed, client } = setup();
    const onSuccess = vi.fn();

    expect(store.defer(pending.upload.id, { onSuccess })).toBe(true);
    expect(store.has(pending.upload.id)).toBe(true);
    expect(store.isWaiting(pending.upload.id)).toBe(true);
    expect(isCancelling(client, pending.upload.id)).toBe(true);
    // Asking twice does not queue a second cancel.
    expect(store.defer(pending.upload.id)).toBe(false);

    await vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS - 1);
    expect(cancelCalls()).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1);
    expect(cancelCalls()).toHaveLength(1);
    const [url, init] = cancelCalls()[0]!;
    expect(String(url)).toBe('/api/uploads/upload_pending1/cancel');
    expect(init?.method).toBe('POST');
    expect(init?.keepalive).toBeUndefined();
    expect(store.isWaiting(pending.upload.id)).toBe(false);

    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledOnce());
    expect(listed()?.status).toBe('cancelled');
    await vi.waitFor(() => expect(store.has(pending.upload.id)).toBe(false));
  });

  it('Undo drops it: nothing is ever sent', async () => {
    const { store, cancelCalls } = setup();
    store.defer(pending.upload.id);
    await vi.advanceTimersByTimeAsync(3_000);

    expect(store.undo(pending.upload.id)).toBe(true);
    expect(store.has(pending.upload.id)).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cancelCalls()).toHaveLength(0);
    // Too late once it has gone, and nothing to undo when there was nothing.
    expect(store.undo(pending.upload.id)).toBe(false);
  });

  it('goes out at once, with keepalive, when the page is hidden or closed', async () => {
    const { store, cancelCalls } = setup();
    const other = 'upload_pending2';
    const onSuccess = vi.fn();
    store.defer(pending.upload.id, { onSuccess });
    store.defer(other);

    window.dispatchEvent(new Event('pagehide'));

    // Synchronously, inside the event: a closing page runs nothing later.
    expect(cancelCalls()).toHaveLength(2);
    for (const [, init] of cancelCalls()) {
      expect(init?.keepalive).toBe(true);
      expect(init?.method).toBe('POST');
      expect(init?.credentials).toBe('same-origin');
      expect(new Headers(init?.headers).get('X-Requested-With')).toBe('uploads-console');
    }
    // The mutation waits for the request already sent, and sends no second one.
    expect(store.has(pending.upload.id)).toBe(true);
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledOnce());
    expect(cancelCalls()).toHaveLength(2);
  });

  it('a tab switched away from (visibilitychange to hidden) sends too, and only once', async () => {
    const { store, cancelCalls } = setup();
    store.defer(pending.upload.id);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    visibility.mockRestore();

    expect(cancelCalls()).toHaveLength(1);
    expect(cancelCalls()[0]![1]?.keepalive).toBe(true);
    await vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS * 2);
    expect(cancelCalls()).toHaveLength(1);
  });

  it('shows the row cancelled until the server refuses, then as the cache has it, and reports the error', async () => {
    const answer = deferred<Response>();
    const { store, listed } = setup(() => answer.promise);
    const onError = vi.fn();
    store.defer(pending.upload.id, { onError });
    const seen: boolean[] = [];
    store.subscribe(() => seen.push(store.has(pending.upload.id)));
    await vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS);
    // Out of the window and on its way, with no moment in between when it read pending.
    expect(store.isWaiting(pending.upload.id)).toBe(false);
    expect(store.has(pending.upload.id)).toBe(true);
    expect(seen).not.toContain(false);
    // Shown cancelled, while the cache still holds the server's last word.
    expect(withPendingCancel(listed()!, store.getSnapshot()).status).toBe('cancelled');
    expect(listed()).toEqual(pending);

    answer.resolve(errorResponse(400, "Cannot cancel upload with status 'completed'."));
    await vi.waitFor(() => expect(onError).toHaveBeenCalledOnce());
    expect((onError.mock.calls[0]![0] as Error).message).toBe("Cannot cancel upload with status 'completed'.");
    await vi.waitFor(() => expect(store.has(pending.upload.id)).toBe(false));
    expect(withPendingCancel(listed()!, store.getSnapshot())).toEqual(pending);
  });
});

describe('what counts as being cancelled', () => {
  it('any cancel mutation still pending, wherever it was started', async () => {
    const answer = deferred<Response>();
    const { client, store } = setup(() => answer.promise);
    const seen = vi.fn();
    store.subscribe(seen);

    // Cancel by id, or the detail page: no undo window, straight to the mutation.
    const sent = new MutationObserver(client, cancelUploadMutationOptions()).mutate({ id: 'upload_seen_elsewhere' });
    expect(isCancelling(client, 'upload_seen_elsewhere')).toBe(true);
    expect(seen).toHaveBeenCalled();

    answer.resolve(jsonResponse({ ...cancelledUpload, id: 'upload_seen_elsewhere' }));
    await sent;
    expect(isCancelling(client, 'upload_seen_elsewhere')).toBe(false);
  });

  it('the rows a bulk job is starting with, until the job is settled (or fails to start)', async () => {
    const { client, store } = setup();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    const failed = store.markBulk(['upload_x']);
    const started = store.markBulk(['upload_y', 'upload_z']);
    expect(['upload_x', 'upload_y', 'upload_z'].every((id) => isCancelling(client, id))).toBe(true);
    // The same upload cannot be held back for undo meanwhile.
    expect(store.defer('upload_y')).toBe(false);

    failed.release();
    expect(isCancelling(client, 'upload_x')).toBe(false);

    started.belongsTo('bulk_1');
    expect(store.hasBulk('bulk_1')).toBe(true);
    await store.settleBulk('bulk_other');
    expect(isCancelling(client, 'upload_y')).toBe(true);

    await store.settleBulk('bulk_1');
    expect(invalidate).toHaveBeenCalledWith({ queryKey: uploadKeys.lists() });
    expect(store.hasBulk('bulk_1')).toBe(false);
    expect(isCancelling(client, 'upload_y')).toBe(false);
    expect(isCancelling(client, 'upload_z')).toBe(false);
  });

  it('keeps the same snapshot while nothing changes, so renders are not repeated', () => {
    const { store } = setup();
    const before = store.getSnapshot();
    store.undo('upload_none');
    store.markBulk([]).release();
    expect(store.getSnapshot()).toBe(before);
  });
});
