import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditList } from '#contract/dashboard-api.ts';
import { errorResponse, jsonResponse, mockFetch, type MockRequest } from '#src/testing/fetch-mock.ts';
import { createTestQueryClient } from '#src/testing/render.tsx';
import { AuditLog } from './audit-log.tsx';

const NOW = Math.floor(Date.now() / 1000);

function makeEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 1,
    at: NOW - 120,
    actor: 'alice',
    action: 'cancel',
    source: 'dashboard',
    upload_id: 'upload_abc123',
    filename: 'training.jsonl',
    reason: null,
    previous_status: 'pending',
    outcome: 'cancelled',
    upstream_status: 200,
    request_id: 'req_0001',
    job_id: null,
    message: null,
    client: null,
    ...overrides,
  };
}

const page = (data: AuditEntry[], next: string | null = null): AuditList => ({ object: 'list', data, has_more: next !== null, next_cursor: next });

const byOperator = makeEntry({ id: 3, reason: 'stuck since Tuesday' });
const bySdk = makeEntry({ id: 2, actor: 'client:etl-nightly', source: 'pass_through', upload_id: 'upload_sdk1', filename: 'nightly.jsonl', request_id: 'req_0002' });
const refused = makeEntry({
  id: 1,
  source: 'by_id',
  upload_id: 'upload_ghost1',
  filename: null,
  previous_status: null,
  outcome: 'not_found',
  upstream_status: 404,
  request_id: 'req_0003',
  message: 'No such Upload object: upload_ghost1',
});

/** A server whose audit log answers with `answer` for each request; every request is kept. */
function serve(answer: (request: MockRequest) => Response = () => jsonResponse(page([byOperator, bySdk, refused]))) {
  const requests: MockRequest[] = [];
  mockFetch((request) => {
    if (request.url.pathname === '/api/audit') {
      requests.push(request);
      return answer(request);
    }
    return errorResponse(404, `Invalid URL (${request.method} ${request.url.pathname})`);
  });
  return requests;
}

function renderAuditLog(url = '/audit') {
  const router = createMemoryRouter([{ path: '/audit', element: <AuditLog /> }], { initialEntries: [url] });
  render(
    <QueryClientProvider client={createTestQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const search = (router: ReturnType<typeof renderAuditLog>) => new URLSearchParams(router.state.location.search);
const exportLink = () => screen.getByRole('link', { name: /Export CSV/ });

describe('AuditLog', () => {
  it('shows who cancelled what, how, and what OpenAI said, in words', async () => {
    serve();
    renderAuditLog();

    const operatorRow = (await screen.findByText('stuck since Tuesday')).closest('tr')!;
    expect(within(operatorRow).getByText('alice')).toBeTruthy();
    expect(within(operatorRow).getByText('Row cancel')).toBeTruthy();
    expect(within(operatorRow).getByRole('link', { name: 'training.jsonl' }).getAttribute('href')).toBe('/uploads/upload_abc123');
    expect(within(operatorRow).getByText('pending')).toBeTruthy();
    expect(within(operatorRow).getByText('cancelled')).toBeTruthy();
    expect(within(operatorRow).getByRole('button', { name: 'Copy request id req_0001' })).toBeTruthy();

    const sdkRow = screen.getByRole('link', { name: 'nightly.jsonl' }).closest('tr')!;
    expect(within(sdkRow).getByText('etl-nightly')).toBeTruthy();
    expect(within(sdkRow).getAllByText('SDK client')).toHaveLength(2); // the actor's tag and the source

    // Never seen before the cancel: the id stands in for the filename, and "before" is empty.
    const refusedRow = screen.getByRole('link', { name: 'upload_ghost1' }).closest('tr')!;
    expect(within(refusedRow).getByText('Cancel by id')).toBeTruthy();
    expect(within(refusedRow).getByText('not found')).toBeTruthy();
    expect(within(refusedRow).getByText('never seen')).toBeTruthy();
    expect(within(refusedRow).getByText('404')).toBeTruthy();
    expect(within(refusedRow).getByText('No such Upload object: upload_ghost1')).toBeTruthy();
  });

  it('reads its filters from the URL: sends them, shows them, and exports with them', async () => {
    const requests = serve(() => jsonResponse(page([refused])));
    renderAuditLog('/audit?outcome=not_found&actor=alice&upload_id=upload_ghost1&source=nonsense');

    await screen.findByText('No such Upload object: upload_ghost1');
    const sent = requests[0]!.url.searchParams;
    expect(sent.get('outcome')).toBe('not_found');
    expect(sent.get('actor')).toBe('alice');
    expect(sent.get('upload_id')).toBe('upload_ghost1');
    expect(sent.has('source')).toBe(false);

    expect((screen.getByLabelText('Outcome') as HTMLSelectElement).value).toBe('not_found');
    expect((screen.getByLabelText('Actor') as HTMLInputElement).value).toBe('alice');
    expect((screen.getByLabelText('Upload id') as HTMLInputElement).value).toBe('upload_ghost1');
    expect(exportLink().getAttribute('href')).toBe('/api/audit/export.csv?actor=alice&outcome=not_found&upload_id=upload_ghost1');
    expect(exportLink().hasAttribute('download')).toBe(true);
  });

  it('writes a chosen outcome or source to the URL and asks the server again', async () => {
    const requests = serve();
    const router = renderAuditLog();
    await screen.findByText('stuck since Tuesday');
    expect(exportLink().getAttribute('href')).toBe('/api/audit/export.csv');

    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'failed' } });
    await waitFor(() => expect(search(router).get('outcome')).toBe('failed'));
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'bulk' } });
    await waitFor(() => expect(search(router).get('source')).toBe('bulk'));

    await waitFor(() => expect(requests.at(-1)!.url.searchParams.get('source')).toBe('bulk'));
    expect(requests.at(-1)!.url.searchParams.get('outcome')).toBe('failed');
    expect(exportLink().getAttribute('href')).toBe('/api/audit/export.csv?outcome=failed&source=bulk');
  });

  it('applies typed text on Enter, not on every keystroke, and Clear filters empties the URL', async () => {
    const requests = serve();
    const router = renderAuditLog('/audit?source=dashboard');
    await screen.findByText('stuck since Tuesday');
    const asked = requests.length;

    const actor = screen.getByLabelText('Actor');
    fireEvent.change(actor, { target: { value: '  client:etl-nightly ' } });
    expect(search(router).has('actor')).toBe(false);
    expect(requests).toHaveLength(asked);

    fireEvent.submit(screen.getByRole('search', { name: 'Filter the audit log' }));
    await waitFor(() => expect(search(router).get('actor')).toBe('client:etl-nightly'));
    expect(search(router).get('source')).toBe('dashboard');
    await waitFor(() => expect(requests.at(-1)!.url.searchParams.get('actor')).toBe('client:etl-nightly'));

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect((screen.getByLabelText('Actor') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Source') as HTMLSelectElement).value).toBe('');
    expect(exportLink().getAttribute('href')).toBe('/api/audit/export.csv');
  });

  it('says when nothing has been recorded yet', async () => {
    serve(() => jsonResponse(page([])));
    renderAuditLog();
    expect(await screen.findByRole('heading', { name: 'No cancels recorded yet' })).toBeTruthy();
  });

  it('says when the filters match nothing, and offers to clear them', async () => {
    serve(() => jsonResponse(page([])));
    const router = renderAuditLog('/audit?outcome=skipped');
    expect(await screen.findByRole('heading', { name: 'No entries match these filters' })).toBeTruthy();
    // One in the filter bar, one in the empty state.
    fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' }).at(-1)!);
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(await screen.findByRole('heading', { name: 'No cancels recorded yet' })).toBeTruthy();
  });

  it('loads older entries on demand with the cursor the server gave', async () => {
    const requests = serve((request) =>
      request.url.searchParams.get('cursor') === 'c2' ? jsonResponse(page([refused])) : jsonResponse(page([byOperator, bySdk], 'c2')),
    );
    renderAuditLog();
    await screen.findByText('stuck since Tuesday');
    expect(screen.queryByText('No such Upload object: upload_ghost1')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('No such Upload object: upload_ghost1')).toBeTruthy();
    expect(requests.at(-1)!.url.searchParams.get('cursor')).toBe('c2');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText(/Showing 3 entries/)).toBeTruthy();
  });

  it('shows what went wrong when the server refuses', async () => {
    serve(() => errorResponse(400, 'Invalid cursor.'));
    renderAuditLog();
    expect(await screen.findByRole('heading', { name: "The audit log couldn't be loaded" })).toBeTruthy();
    expect(within(screen.getByRole('alert')).getByText('Invalid cursor.')).toBeTruthy();
  });
});
