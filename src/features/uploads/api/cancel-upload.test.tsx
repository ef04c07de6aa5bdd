import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { ApiError } from '#src/lib/api-client.ts';
import { deferred, errorResponse, jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { makeList, makeRecord } from '#src/testing/fixtures.ts';
import { createTestQueryClient } from '#src/testing/render.tsx';
import { useCancellingIds, withPendingCancel } from '#src/features/uploads/stores/pending-cancels.ts';
import { useCancelUpload } from './cancel-upload.ts';
import type { UploadListData } from './upload-cache.ts';
import { uploadKeys } from './upload-keys.ts';

const pending = makeRecord({ id: 'upload_pending1', filename: 'training.jsonl' });
const other = makeRecord({ id: 'upload_pending2', filename: 'eval.jsonl' });
const completed = makeRecord({ id: 'upload_done1', filename: 'done.jsonl', status: 'completed' });

const listData = (records: UploadRecord[]): UploadListData => ({ pages: [makeList(records)], pageParams: [null] });

function listedRecord(client: QueryClient, id: string, filters = {}): UploadRecord | undefined {
  return client
    .getQueryData<UploadListData>(uploadKeys.list(filters))
    ?.pages.flatMap((page) => page.data)
    .find((record) => record.upload.id === id);
}

/** Seeds two lists and a detail, the way a session that has browsed around would have them. */
function seededClient(): QueryClient {
  const client = createTestQueryClient();
  client.setQueryData(uploadKeys.list({}), listData([pending, other, completed]));
  client.setQueryData(uploadKeys.list({ status: 'pending' }), listData([pending, other]));
  client.setQueryData(uploadKeys.detail(pending.upload.id), pending);
  return client;
}

/** The mutation, and the records as a list row or the detail page would show them. */
function renderCancelHook(client: QueryClient) {
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  const { result } = renderHook(() => ({ cancel: useCancelUpload(), cancellingIds: useCancellingIds() }), { wrapper });
  const shown = (record: UploadRecord | undefined) => record && withPendingCancel(record, result.current.cancellingIds);
  return {
    result,
    shownInList: (id: string, filters = {}) => shown(listedRecord(client, id, filters)),
    shownDetail: (id: string) => shown(client.getQueryData<UploadRecord>(uploadKeys.detail(id))),
  };
}

const cancelPath = (id: string) => `/api/uploads/${id}/cancel`;

describe('useCancelUpload (optimistic, via the UI)', () => {
  it('shows the record cancelled in every list and the detail before the server answers, without writing it', async () => {
    const answer = deferred<Response>();
    const fetchMock = mockFetch(() => answer.promise);
    const client = seededClient();
    const { result, shownInList, shownDetail } = renderCancelHook(client);

    act(() => result.current.cancel.mutate({ id: pending.upload.id }));

    await waitFor(() => expect(shownInList(pending.upload.id)?.status).toBe('cancelled'));
    expect(shownInList(pending.upload.id)?.upload.status).toBe('cancelled');
    expect(shownInList(pending.upload.id, { status: 'pending' })?.status).toBe('cancelled');
    expect(shownDetail(pending.upload.id)?.status).toBe('cancelled');
    expect(shownInList(other.upload.id)?.status).toBe('pending');
    // Until the server has its say, the cache holds its last word.
    expect(listedRecord(client, pending.upload.id)).toBe(pending);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(result.current.cancel.isPending).toBe(true);

    answer.resolve(jsonResponse({ ...pending.upload, status: 'cancelled' }));
    await waitFor(() => expect(result.current.cancel.isSuccess).toBe(true));
  });

  it('shows the record as cached again on an error answer, and the error carries the server message', async () => {
    mockFetch(() => errorResponse(400, "Cannot cancel upload with status 'completed'."));
    const client = seededClient();
    const { result, shownInList, shownDetail } = renderCancelHook(client);

    await act(async () => {
      await expect(result.current.cancel.mutateAsync({ id: pending.upload.id })).rejects.toBeInstanceOf(ApiError);
    });

    expect(result.current.cancel.error?.message).toBe("Cannot cancel upload with status 'completed'.");
    expect((result.current.cancel.error as ApiError).status).toBe(400);
    expect(result.current.cancellingIds.has(pending.upload.id)).toBe(false);
    expect(shownInList(pending.upload.id)).toEqual(pending);
    expect(shownInList(pending.upload.id, { status: 'pending' })).toEqual(pending);
    expect(shownDetail(pending.upload.id)).toEqual(pending);
  });

  it("writes the server's returned object into the record on success", async () => {
    // The server's answer differs from what the cache believed in more than the status.
    const returned = { ...pending.upload, status: 'cancelled' as const, expires_at: pending.upload.expires_at + 42, file: null };
    mockFetch(({ method, url }) =>
      method === 'POST' && url.pathname === cancelPath(pending.upload.id) ? jsonResponse(returned) : errorResponse(404, 'unexpected'),
    );
    const client = seededClient();
    const { result } = renderCancelHook(client);

    await act(async () => {
      await result.current.cancel.mutateAsync({ id: pending.upload.id });
    });

    expect(listedRecord(client, pending.upload.id)?.upload).toEqual(returned);
    expect(listedRecord(client, pending.upload.id)?.status).toBe('cancelled');
    expect(listedRecord(client, pending.upload.id, { status: 'pending' })?.status).toBe('cancelled');
    expect(client.getQueryData<UploadRecord>(uploadKeys.detail(pending.upload.id))?.upload).toEqual(returned);
  });

  it('writes nothing for an id no cached list or detail holds, and still refreshes the lists and that detail only', async () => {
    // Cancel by id: the upload may be one the console has never seen.
    const unseen = { ...pending.upload, id: 'upload_unseen1', filename: 'from-a-log.jsonl', status: 'cancelled' as const };
    const answer = deferred<Response>();
    mockFetch(() => answer.promise);
    const client = seededClient();
    const before = client.getQueryCache().getAll().map((query) => query.state.data);
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    const { result } = renderCancelHook(client);

    act(() => result.current.cancel.mutate({ id: unseen.id }));
    await waitFor(() => expect(result.current.cancel.isPending).toBe(true));
    expect(result.current.cancellingIds.has(unseen.id)).toBe(true);
    expect(client.getQueryCache().getAll().map((query) => query.state.data)).toEqual(before);
    expect(client.getQueryData(uploadKeys.detail(unseen.id))).toBeUndefined();

    answer.resolve(jsonResponse(unseen));
    await waitFor(() => expect(result.current.cancel.isSuccess).toBe(true));
    expect(result.current.cancel.data).toEqual(unseen);
    expect(listedRecord(client, unseen.id)).toBeUndefined();
    expect(invalidate).toHaveBeenCalledWith({ queryKey: uploadKeys.lists() });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: uploadKeys.detail(unseen.id) });
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: uploadKeys.details() });
  });

  it('a refused cancel leaves an overlapping one alone, and the lists are refetched only after the last one settles', async () => {
    const first = deferred<Response>();
    const second = deferred<Response>();
    mockFetch(({ url }) => (url.pathname === cancelPath(pending.upload.id) ? first.promise : second.promise));
    const client = seededClient();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    const { result, shownInList } = renderCancelHook(client);

    act(() => result.current.cancel.mutate({ id: pending.upload.id }));
    act(() => result.current.cancel.mutate({ id: other.upload.id }));
    await waitFor(() => expect(shownInList(other.upload.id)?.status).toBe('cancelled'));
    expect(shownInList(pending.upload.id)?.status).toBe('cancelled');

    first.resolve(errorResponse(429, 'Rate limit reached for requests per min (RPM).', 'requests', 'rate_limit_exceeded'));
    await waitFor(() => expect(shownInList(pending.upload.id)?.status).toBe('pending'));
    expect(shownInList(other.upload.id)?.status).toBe('cancelled');
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: uploadKeys.lists() });

    second.resolve(jsonResponse({ ...other.upload, status: 'cancelled' }));
    await waitFor(() => expect(invalidate).toHaveBeenCalledWith({ queryKey: uploadKeys.lists() }));
    expect(shownInList(other.upload.id)?.status).toBe('cancelled');
    expect(listedRecord(client, other.upload.id)?.status).toBe('cancelled');
  });
});
