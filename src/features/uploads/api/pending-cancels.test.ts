import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Upload } from '#contract/uploads.ts';
import { errorResponse, jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { makeList, makeRecord } from '#src/testing/fixtures.ts';
import { createTestQueryClient } from '#src/testing/render.tsx';
import { isCancelling, pendingCancelsFor, UNDO_WINDOW_MS } from './pending-cancels.ts';
import type { UploadListData } from './upload-cache.ts';
import { uploadKeys } from './upload-keys.ts';

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

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('a cancel held back for undo', () => {
  it('sends nothing for five seconds, then sends it through the optimistic cancel', async () => {
    const { store, cancelCalls, listed, client } = setup();
    const onSuccess = vi.fn();

    expect(store.defer(pending.upload.id, { onSuccess })).toBe(true);
    expect(store.has(pending.upload.id)).toBe(true);
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

  it('goes out at once, with keepalive, when the page is hidden or closed', () => {
    const { store, cancelCalls } = setup();
    const other = 'upload_pending2';
    store.defer(pending.upload.id);
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

  it('rolls the row back and reports the error when the server refuses', async () => {
    const { store, listed } = setup(() => errorResponse(400, "Cannot cancel upload with status 'completed'."));
    const onError = vi.fn();
    store.defer(pending.upload.id, { onError });
    await vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS);
    await vi.waitFor(() => expect(onError).toHaveBeenCalledOnce());
    expect((onError.mock.calls[0]![0] as Error).message).toBe("Cannot cancel upload with status 'completed'.");
    expect(listed()).toEqual(pending);
    await vi.waitFor(() => expect(store.has(pending.upload.id)).toBe(false));
  });
});
