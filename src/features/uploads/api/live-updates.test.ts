import { MutationObserver } from '@tanstack/react-query';
import { act } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { BulkCancelJob, UploadRecord } from '#contract/dashboard-api.ts';
import { getLiveState } from '#src/lib/live-events.ts';
import { deferred, mockFetch } from '#src/testing/fetch-mock.ts';
import { makeJob, makeList, makeRecord } from '#src/testing/fixtures.ts';
import { createTestQueryClient } from '#src/testing/render.tsx';
import { isCancelling, pendingCancelsFor } from '#src/features/uploads/stores/pending-cancels.ts';
import { cancelUploadMutationOptions } from './cancel-upload.ts';
import { ACTIVITY_REFETCH_MS, applyCountsEvent, CLIENTS_REFETCH_MS, applyJobEvent, applyUploadEvent, NEW_UPLOAD_REFETCH_MS, subscribeToLiveUpdates } from './live-updates.ts';
import type { UploadListData } from './upload-cache.ts';
import { bulkCancelKeys, uploadKeys } from './upload-keys.ts';

const a = makeRecord({ id: 'upload_a1', filename: 'a.jsonl' });
const b = makeRecord({ id: 'upload_b1', filename: 'b.jsonl' });

function seeded() {
  const client = createTestQueryClient();
  client.setQueryData<UploadListData>(uploadKeys.list({}), { pages: [makeList([a, b])], pageParams: [null] });
  client.setQueryData(uploadKeys.detail(a.upload.id), a);
  return client;
}

const listed = (client: ReturnType<typeof seeded>, id: string) =>
  client
    .getQueryData<UploadListData>(uploadKeys.list({}))
    ?.pages.flatMap((page) => page.data)
    .find((record) => record.upload.id === id);

const progressed = (record: UploadRecord): UploadRecord => ({ ...record, bytes_received: record.bytes_received + 1_000, parts_count: record.parts_count + 1 });

describe('applying live events to the cache', () => {
  it('patches a changed record into every list page and its detail', () => {
    const client = seeded();
    const changed = { ...a, status: 'cancelled' as const, upload: { ...a.upload, status: 'cancelled' as const }, cancelled_by: 'alice' };
    expect(applyUploadEvent(client, changed)).toBe(true);
    expect(listed(client, a.upload.id)).toEqual(changed);
    expect(client.getQueryData(uploadKeys.detail(a.upload.id))).toEqual(changed);
    expect(listed(client, b.upload.id)).toBe(b);
  });

  it('never writes over a row whose cancel is on its way', async () => {
    const client = seeded();
    const answer = deferred<Response>();
    mockFetch(() => answer.promise);
    void new MutationObserver(client, cancelUploadMutationOptions()).mutate({ id: a.upload.id }).catch(() => undefined);
    expect(isCancelling(client, a.upload.id)).toBe(true);

    // A part arrived just before the cancel: the server says pending, with more bytes. The
    // event is still found in the list, and written nowhere.
    expect(applyUploadEvent(client, progressed(a))).toBe(true);
    expect(listed(client, a.upload.id)).toBe(a);
    expect(client.getQueryData<UploadRecord>(uploadKeys.detail(a.upload.id))).toBe(a);
    // Other rows still take their events.
    applyUploadEvent(client, progressed(b));
    expect(listed(client, b.upload.id)?.parts_count).toBe(b.parts_count + 1);
  });

  it('never writes over a row in its undo window or in a bulk job', () => {
    const client = seeded();
    pendingCancelsFor(client).defer(a.upload.id);
    const bulk = pendingCancelsFor(client).markBulk([b.upload.id]);
    applyUploadEvent(client, progressed(a));
    applyUploadEvent(client, progressed(b));
    expect(listed(client, a.upload.id)).toBe(a);
    expect(listed(client, b.upload.id)).toBe(b);
    pendingCancelsFor(client).undo(a.upload.id);
    bulk.release();
    // Once nothing is cancelling them, events land again.
    applyUploadEvent(client, progressed(a));
    expect(listed(client, a.upload.id)?.parts_count).toBe(a.parts_count + 1);
  });

  it('says when no loaded page holds the record (a new upload)', () => {
    const client = seeded();
    expect(applyUploadEvent(client, makeRecord({ id: 'upload_new1' }))).toBe(false);
  });

  it('writes counts into every page, and job progress into a followed job only', () => {
    const client = seeded();
    const counts = { pending: 9, completed: 1, cancelled: 2, expired: 0, stuck: 3 };
    applyCountsEvent(client, counts);
    expect(client.getQueryData<UploadListData>(uploadKeys.list({}))?.pages[0]?.counts).toEqual(counts);

    const job = makeJob(5, { progress: { pending: 3, cancelled: 2, already_finished: 0, not_found: 0, failed: 0, unknown: 0, skipped: 0 } });
    applyJobEvent(client, job);
    expect(client.getQueryData(bulkCancelKeys.detail(job.id))).toBeUndefined();
    client.setQueryData(bulkCancelKeys.detail(job.id), { ...job, items: [] });
    applyJobEvent(client, { ...job, progress: { ...job.progress, pending: 0, cancelled: 5 }, state: 'done' });
    expect(client.getQueryData<BulkCancelJob>(bulkCancelKeys.detail(job.id))).toMatchObject({ state: 'done', items: [] });
  });
});

/** Just enough of EventSource to play the server's part. */
class FakeEventSource extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.OPEN;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  emit(type: string, data: unknown) {
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

describe('the live stream', () => {
  it('says Live once ready, patches uploads, and refetches the lists (throttled) for new ones', async () => {
    vi.useFakeTimers();
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    const client = seeded();
    const invalidate = vi.spyOn(client, 'invalidateQueries').mockResolvedValue();
    const stop = subscribeToLiveUpdates(client);
    const source = FakeEventSource.instances[0]!;
    expect(source.url).toBe('/api/events');
    expect(getLiveState().connected).toBe(false);

    act(() => source.emit('ready', {}));
    expect(getLiveState().connected).toBe(true);

    const calls = (queryKey: readonly unknown[]) => invalidate.mock.calls.filter(([filters]) => JSON.stringify(filters?.queryKey) === JSON.stringify(queryKey)).length;
    source.emit('upload', progressed(a));
    expect(listed(client, a.upload.id)?.parts_count).toBe(a.parts_count + 1);
    // A listed upload is patched in place; only the chart refetches, as its bars may move.
    expect(calls(uploadKeys.lists())).toBe(0);
    expect(calls(uploadKeys.activities())).toBe(1);
    expect(calls(uploadKeys.clients())).toBe(1);

    source.emit('upload', makeRecord({ id: 'upload_new1' }));
    source.emit('upload', makeRecord({ id: 'upload_new2' }));
    source.emit('upload', makeRecord({ id: 'upload_new3' }));
    expect(calls(uploadKeys.lists())).toBe(1);
    expect(calls(uploadKeys.activities())).toBe(1);
    expect(calls(uploadKeys.clients())).toBe(1);
    await vi.advanceTimersByTimeAsync(Math.max(NEW_UPLOAD_REFETCH_MS, ACTIVITY_REFETCH_MS, CLIENTS_REFETCH_MS));
    // The events that came within the window make one more refetch each, not one per event.
    expect(calls(uploadKeys.lists())).toBe(2);
    expect(calls(uploadKeys.activities())).toBe(2);
    expect(calls(uploadKeys.clients())).toBe(2);

    act(() => source.dispatchEvent(new Event('error')));
    expect(getLiveState().connected).toBe(false);
    act(() => stop());
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
  });

  it('settles the rows of a finished job that nobody else settled, after a grace period', async () => {
    vi.useFakeTimers();
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    const client = seeded();
    pendingCancelsFor(client).markBulk([a.upload.id]).belongsTo('bulk_left');
    const stop = subscribeToLiveUpdates(client);
    const source = FakeEventSource.instances[0]!;
    act(() => source.emit('ready', {}));

    source.emit('job', makeJob(1, { id: 'bulk_left', state: 'done', finished_at: 2 }));
    // The page that started it gets the first chance (it knows which rows failed).
    expect(isCancelling(client, a.upload.id)).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(isCancelling(client, a.upload.id)).toBe(false);
    act(() => stop());
  });
});
