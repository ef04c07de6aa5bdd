import { act, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BulkCancelJob, UploadRecord } from '#contract/dashboard-api.ts';
import { OperatorAccessProvider } from '#src/lib/operator-access.tsx';
import { serveConsole } from '#src/testing/console-server.ts';
import { installDialogPolyfill } from '#src/testing/dialog-polyfill.ts';
import { deferred, errorResponse, jsonResponse, type MockRequest } from '#src/testing/fetch-mock.ts';
import { makeJob, makeRecord } from '#src/testing/fixtures.ts';
import { installLayoutStub } from '#src/testing/layout-stub.ts';
import { renderWithProviders } from '#src/testing/render.tsx';
import { uploadKeys } from '#src/features/uploads/api/upload-keys.ts';
import { UNDO_WINDOW_MS } from '#src/features/uploads/stores/pending-cancels.ts';
import { UploadsList } from './uploads-list.tsx';
import { preloadListParts } from './uploads-list-later.ts';

const pending = makeRecord({ id: 'upload_pending1', filename: 'training.jsonl' });
const other = makeRecord({ id: 'upload_pending2', filename: 'eval.jsonl' });
const third = makeRecord({ id: 'upload_pending3', filename: 'vision.jsonl' });
const completed = makeRecord({ id: 'upload_done1', filename: 'done.jsonl', status: 'completed' });
const stuck = makeRecord(
  { id: 'upload_stuck1', filename: 'stalled.jsonl' },
  { stuck: { reason: 'idle', message: 'No part received 23 min ago' } },
);

const cancelled = (record: UploadRecord): UploadRecord => ({
  ...record,
  status: 'cancelled',
  upload: { ...record.upload, status: 'cancelled' },
  cancelled_by: 'ops',
  cancelled_at: 1,
  stuck: null,
});

const rowOf = (filename: string) => {
  const link = screen.getByRole('link', { name: filename });
  const row = link.closest<HTMLElement>('[role="row"]');
  if (!row) throw new Error(`${filename} is outside a row`);
  return row;
};

const cancelRequests = (requests: MockRequest[]) => requests.filter((r) => r.method === 'POST' && r.url.pathname.endsWith('/cancel'));

// These tests walk through several round trips each; a machine busy with other test files needs longer than 1 s.
configure({ asyncUtilTimeout: 4_000 });

let restoreLayout: () => void;
beforeAll(async () => {
  installDialogPolyfill();
  restoreLayout = installLayoutStub();
  // As in a browser once the first rows are painted: the parts that come after them are there
  // (their arrival itself is tested in cancel-by-id-dialog.test.tsx and deferred-component.test.tsx).
  await preloadListParts();
});
afterAll(() => restoreLayout());

describe('cancelling one upload from the list, with undo', () => {
  // Fake timers that still move with real time, so Testing Library's polling keeps working.
  const useClock = () => vi.useFakeTimers({ shouldAdvanceTime: true });

  it('shows the row cancelled at once, offers Undo for five seconds, and Undo sends nothing', async () => {
    useClock();
    const { server } = serveConsole([pending, completed]);
    renderWithProviders(<UploadsList />);

    fireEvent.click(await screen.findByRole('button', { name: 'Cancel training.jsonl' }));
    expect(within(rowOf('training.jsonl')).getByText('cancelled')).toBeTruthy();
    expect(await screen.findByText('Cancelling training.jsonl…')).toBeTruthy();

    await act(() => vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS - 500));
    expect(cancelRequests(server.requests)).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(within(rowOf('training.jsonl')).getByText('pending')).toBeTruthy());
    await act(() => vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS * 3));
    expect(cancelRequests(server.requests)).toHaveLength(0);
    expect(within(rowOf('training.jsonl')).getByText('pending')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel training.jsonl' }).getAttribute('aria-disabled')).toBeNull();
  });

  it('sends after the window, and a refetch mid-cancel does not flip the row back to pending', async () => {
    useClock();
    const answer = deferred<Response>();
    const { server, fetchMock } = serveConsole([pending, completed], { onCancel: () => answer.promise });
    const { queryClient } = renderWithProviders(<UploadsList />);

    fireEvent.click(await screen.findByRole('button', { name: 'Cancel training.jsonl' }));
    await act(() => vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS));
    await waitFor(() => expect(cancelRequests(server.requests)).toHaveLength(1));
    expect(cancelRequests(server.requests)[0]!.headers.get('X-Requested-With')).toBe('uploads-console');

    // A poll lands mid-cancel: the server still says "pending" (and has seen more bytes since).
    server.records = [{ ...pending, bytes_received: 268_000_000 }, completed];
    await act(() => queryClient.refetchQueries({ queryKey: uploadKeys.lists() }));
    await waitFor(() => expect(rowOf('training.jsonl').textContent).toContain('268 MB / 2.1 GB'));
    expect(within(rowOf('training.jsonl')).getByText('cancelled')).toBeTruthy();
    expect(within(rowOf('training.jsonl')).queryByText('pending')).toBeNull();

    server.records = [cancelled(pending), completed];
    answer.resolve(jsonResponse({ ...pending.upload, status: 'cancelled' }));
    expect(await screen.findByText('Cancelled training.jsonl')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cancel training.jsonl' }).getAttribute('aria-disabled')).toBe('true'));
    expect(within(rowOf('training.jsonl')).getByText('cancelled')).toBeTruthy();
    expect(fetchMock.mock.calls.filter(([url]) => String(url).endsWith('/cancel'))).toHaveLength(1);
  });

  it('puts the row back and says why when the server refuses', async () => {
    useClock();
    serveConsole([pending], { onCancel: () => errorResponse(400, "Cannot cancel upload with status 'completed'.") });
    renderWithProviders(<UploadsList />);

    fireEvent.click(await screen.findByRole('button', { name: 'Cancel training.jsonl' }));
    await act(() => vi.advanceTimersByTimeAsync(UNDO_WINDOW_MS));

    expect(await screen.findByText("Couldn't cancel training.jsonl — Cannot cancel upload with status 'completed'.")).toBeTruthy();
    await waitFor(() => expect(within(rowOf('training.jsonl')).getByText('pending')).toBeTruthy());
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cancel training.jsonl' }).getAttribute('aria-disabled')).toBeNull());
  });

  it('sends waiting cancels at once, with keepalive, when the page goes away', async () => {
    const { server } = serveConsole([pending, other]);
    renderWithProviders(<UploadsList />);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel training.jsonl' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel eval.jsonl' }));
    expect(cancelRequests(server.requests)).toHaveLength(0);

    fireEvent(window, new Event('pagehide'));
    expect(cancelRequests(server.requests).map((r) => ({ path: r.url.pathname, keepalive: r.keepalive }))).toEqual([
      { path: '/api/uploads/upload_pending1/cancel', keepalive: true },
      { path: '/api/uploads/upload_pending2/cancel', keepalive: true },
    ]);
    // Sent once, and the rows read "cancelled" until the answers are in.
    expect(within(rowOf('training.jsonl')).getByText('cancelled')).toBeTruthy();
    expect(await screen.findByText('Cancelled training.jsonl')).toBeTruthy();
    expect(await screen.findByText('Cancelled eval.jsonl')).toBeTruthy();
    expect(cancelRequests(server.requests)).toHaveLength(2);
  });

  it('gives non-pending rows a focusable Cancel that explains itself', async () => {
    serveConsole([completed]);
    renderWithProviders(<UploadsList />);

    const button = await screen.findByRole('button', { name: 'Cancel done.jsonl' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.hasAttribute('disabled')).toBe(false);
    expect(document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Already completed — nothing to cancel');
  });

  it('shows why a stuck upload is stuck, in the row', async () => {
    serveConsole([stuck, pending]);
    renderWithProviders(<UploadsList />);
    expect(await within(await waitFor(() => rowOf('stalled.jsonl'))).findByText('No part received 23 min ago')).toBeTruthy();
    expect(within(rowOf('training.jsonl')).queryByText(/No part received/)).toBeNull();
  });

  it('keyboard: j/k move the active row, x selects it, c cancels it with undo', async () => {
    const { server } = serveConsole([pending, other, completed]);
    renderWithProviders(<UploadsList />);
    await screen.findByRole('link', { name: 'training.jsonl' });

    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(rowOf('eval.jsonl').getAttribute('aria-current')).toBe('true');
    fireEvent.keyDown(document.body, { key: 'k' });
    expect(rowOf('training.jsonl').getAttribute('aria-current')).toBe('true');
    expect(rowOf('eval.jsonl').getAttribute('aria-current')).toBeNull();

    fireEvent.keyDown(document.body, { key: 'x' });
    expect((screen.getByRole('checkbox', { name: 'Select training.jsonl' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('1 selected')).toBeTruthy();

    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'c' });
    expect(await screen.findByText('Cancelling eval.jsonl…')).toBeTruthy();
    expect(within(rowOf('eval.jsonl')).getByText('cancelled')).toBeTruthy();
    expect(cancelRequests(server.requests)).toHaveLength(0);

    // Typing in the search box is text, not commands.
    const search = screen.getByRole('searchbox', { name: 'Search uploads' });
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(search);
    fireEvent.keyDown(search, { key: 'x' });
    expect(screen.getByText('1 selected')).toBeTruthy();

    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByText('1 selected')).toBeNull();

    // Undo: the cancel's five-second timer ends with the test, not after it.
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(within(rowOf('eval.jsonl')).getByText('pending')).toBeTruthy());
    expect(cancelRequests(server.requests)).toHaveLength(0);
  });
});

describe('selecting many', () => {
  it('only pending rows can be selected, and shift-click selects a range', async () => {
    serveConsole([pending, completed, other, third]);
    renderWithProviders(<UploadsList />);

    const done = await screen.findByRole('checkbox', { name: 'Select done.jsonl' });
    expect(done.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(done);
    expect((done as HTMLInputElement).checked).toBe(false);
    expect(document.getElementById(done.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Already completed — nothing to cancel');

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select training.jsonl' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select vision.jsonl' }), { shiftKey: true });
    const checked = screen.getAllByRole('checkbox', { name: /^Select .*\.jsonl$/ }).filter((box) => (box as HTMLInputElement).checked);
    expect(checked.map((box) => box.getAttribute('aria-label'))).toEqual([
      'Select training.jsonl',
      'Select eval.jsonl',
      'Select vision.jsonl',
    ]);
    const header = screen.getByRole('checkbox', { name: 'Select all loaded uploads' }) as HTMLInputElement;
    expect(header.checked).toBe(true);

    const bar = screen.getByRole('region', { name: 'Selected uploads' });
    expect(within(bar).getByText('3 selected')).toBeTruthy();
    fireEvent.click(within(bar).getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByRole('region', { name: 'Selected uploads' })).toBeNull();
    expect(header.checked).toBe(false);

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select eval.jsonl' }));
    expect(header.indeterminate).toBe(true);
  });

  it('asks once, with the server’s numbers, naming the rows that will be skipped', async () => {
    const { server, requestsTo } = serveConsole([pending, other, third]);
    renderWithProviders(<UploadsList />);
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select training.jsonl' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select vision.jsonl' }), { shiftKey: true });
    // One of them finishes elsewhere before the operator confirms.
    server.records = [pending, { ...other, status: 'completed', upload: { ...other.upload, status: 'completed' } }, third];

    fireEvent.click(screen.getByRole('button', { name: 'Cancel 3' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel 2 pending uploads?' });
    expect(within(dialog).getByText('1 selected upload is already finished and will be skipped.')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Cancel 2 uploads' })).toBeTruthy();
    expect(requestsTo('POST', /^\/api\/bulk-cancels\/preview$/).at(-1)?.body).toEqual({ ids: ['upload_pending1', 'upload_pending2', 'upload_pending3'] });
  });

  it('starts a job, marks the rows cancelled at once, then shows the result and keeps the failed rows selected with their reasons', async () => {
    const job = makeJob(3, { reason: 'stalled client' });
    // Each ask gets a fresh Response (a body can be read once).
    const done = deferred<BulkCancelJob>();
    const { server, requestsTo } = serveConsole([pending, other, third], {
      onBulkCancel: () => jsonResponse(job, 202),
      onJob: () => done.promise.then((body) => jsonResponse(body)),
    });
    renderWithProviders(<UploadsList />);
    await screen.findByRole('link', { name: 'vision.jsonl' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded uploads' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel 3' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel 3 pending uploads?' });
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: '  stalled client ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel 3 uploads' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo('POST', /^\/api\/bulk-cancels$/)[0]?.body).toEqual({
      ids: ['upload_pending1', 'upload_pending2', 'upload_pending3'],
      reason: 'stalled client',
    });
    for (const name of ['training.jsonl', 'eval.jsonl', 'vision.jsonl']) expect(within(rowOf(name)).getByText('cancelled')).toBeTruthy();
    expect(within(screen.getByRole('status', { name: 'Bulk cancel' })).getByText('Cancelling… 0 of 3')).toBeTruthy();

    server.records = [cancelled(pending), other, third];
    done.resolve({
        ...job,
        state: 'done',
        finished_at: 2,
        progress: { ...job.progress, pending: 0, cancelled: 1, not_found: 1, failed: 1 },
        items: [
          { upload_id: 'upload_pending2', outcome: 'not_found', message: 'No such Upload object: upload_pending2', upstream_status: 404 },
          { upload_id: 'upload_pending3', outcome: 'failed', message: 'The server had an error', upstream_status: 500 },
        ],
    });

    // Several round trips (the job, its items, the lists): give a busy test machine time.
    const slow = { timeout: 5_000 };
    const status = screen.getByRole('status', { name: 'Bulk cancel' });
    expect(await within(status).findByText('1 cancelled · 1 not found · 1 failed', {}, slow)).toBeTruthy();
    await waitFor(() => expect(within(rowOf('eval.jsonl')).getByText('pending')).toBeTruthy(), slow);
    expect(await within(rowOf('eval.jsonl')).findByText('Not cancelled (404): No such Upload object: upload_pending2', {}, slow)).toBeTruthy();
    expect(within(rowOf('vision.jsonl')).getByText('Not cancelled (500): The server had an error')).toBeTruthy();
    expect(within(rowOf('training.jsonl')).getByText('cancelled')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Selected uploads' })).getByText('2 selected')).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Select eval.jsonl' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('button', { name: 'Cancel 2' })).toBeTruthy();
  });
});

describe('the view in the URL', () => {
  it('asks the server for the URL’s filters and sort, and writes changes back', async () => {
    const { requestsTo } = serveConsole([pending]);
    const { router } = renderWithProviders(<UploadsList />, { route: '/?purpose=batch&q=train&sort=bytes&order=asc' });
    await screen.findByRole('link', { name: 'training.jsonl' });
    const query = requestsTo('GET', /^\/api\/uploads$/)[0]!.url.searchParams;
    expect(Object.fromEntries(query)).toMatchObject({ purpose: 'batch', q: 'train', sort: 'bytes', order: 'asc' });
    expect((screen.getByRole('searchbox', { name: 'Search uploads' }) as HTMLInputElement).value).toBe('train');
    expect(screen.getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort')).toBe('ascending');

    fireEvent.change(screen.getByRole('combobox', { name: 'Purpose' }), { target: { value: 'fine-tune' } });
    await waitFor(() => expect(router.state.location.search).toBe('?purpose=fine-tune&q=train&sort=bytes&order=asc'));
    fireEvent.click(screen.getByRole('button', { name: 'Created' }));
    // Newest first is the default order: it leaves the URL.
    await waitFor(() => expect(router.state.location.search).toBe('?purpose=fine-tune&q=train'));
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect((screen.getByRole('searchbox', { name: 'Search uploads' }) as HTMLInputElement).value).toBe('');
  });

  it("shows each upload's client, offers every client with its pending and stuck counts, and filters by the one picked", async () => {
    const teamB = makeRecord({ id: 'upload_teamb1', filename: 'team-b.jsonl' }, { client: { name: 'team-b', sdk: null }, stuck: { reason: 'idle', message: 'No part received 23 min ago' } });
    const orphan = makeRecord({ id: 'upload_orphan1', filename: 'orphan.jsonl' }, { client: null, seen_via: 'cancel' });
    const { requestsTo } = serveConsole([pending, teamB, orphan]);
    const { router } = renderWithProviders(<UploadsList />);
    await screen.findByRole('link', { name: 'training.jsonl' });
    expect(within(rowOf('training.jsonl')).getByText('team-a')).toBeTruthy();
    expect(within(rowOf('training.jsonl')).getByText('node 6.49.0')).toBeTruthy();
    expect(within(rowOf('team-b.jsonl')).getByText('software not named')).toBeTruthy();
    expect(within(rowOf('orphan.jsonl')).getByText('No client: seen only through a cancel by id')).toBeTruthy();

    const filter = screen.getByRole('combobox', { name: 'Client' });
    // The client with stuck uploads comes first.
    await waitFor(() => expect(within(filter).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any client', 'team-b — 1 pending, 1 stuck', 'team-a — 1 pending, 0 stuck']));
    fireEvent.change(filter, { target: { value: 'team-b' } });
    await waitFor(() => expect(router.state.location.search).toBe('?client=team-b'));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'training.jsonl' })).toBeNull());
    expect(requestsTo('GET', /^\/api\/uploads$/).at(-1)!.url.searchParams.get('client')).toBe('team-b');
    expect(screen.getByRole('link', { name: 'team-b.jsonl' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('puts the search into the URL once typing settles, replacing the history entry', async () => {
    serveConsole([pending]);
    const { router } = renderWithProviders(<UploadsList />);
    await screen.findByRole('link', { name: 'training.jsonl' });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search uploads' }), { target: { value: 'train' } });
    expect(router.state.location.search).toBe('');
    await waitFor(() => expect(router.state.location.search).toBe('?q=train'));
    expect(router.state.historyAction).toBe('REPLACE');
  });
});

describe('a read-only operator', () => {
  it('sees no checkboxes, and every Cancel disabled with the reason', async () => {
    serveConsole([pending, completed]);
    renderWithProviders(
      <OperatorAccessProvider value={{ readOnly: true, stuckAfterMinutes: 10 }}>
        <UploadsList />
      </OperatorAccessProvider>,
    );
    const button = await screen.findByRole('button', { name: 'Cancel training.jsonl' });
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Your access is read-only');
    expect(screen.getByRole('button', { name: 'Cancel by id' }).getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(button);
    expect(screen.queryByText(/Cancelling/)).toBeNull();
  });
});
