import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import { installDialogPolyfill } from '#src/testing/dialog-polyfill.ts';
import { installLayoutStub } from '#src/testing/layout-stub.ts';
import { errorResponse, jsonResponse, mockFetch, type MockRequest } from '#src/testing/fetch-mock.ts';
import { makeList, makeRecord } from '#src/testing/fixtures.ts';
import { renderWithProviders } from '#src/testing/render.tsx';
import { UploadsList } from './uploads-list.tsx';

const listed = makeRecord({ id: 'upload_listed1', filename: 'listed.jsonl' });
const fromLog = makeRecord(
  { id: 'upload_fromalog1', filename: 'from-a-log.jsonl', status: 'cancelled' },
  { seen_via: 'cancel', cancelled_by: 'ops', parts_count: 0, bytes_received: 0 },
);

/** A server that lists `records` and answers cancels with `onCancel`. */
function serve(onCancel: (id: string) => Response) {
  const server = { records: [listed] as UploadRecord[] };
  const cancels: MockRequest[] = [];
  const fetchMock = mockFetch((request) => {
    const { method, url } = request;
    if (method === 'GET' && url.pathname === '/api/uploads') return jsonResponse(makeList(server.records));
    const match = /^\/api\/uploads\/([^/]+)\/cancel$/.exec(url.pathname);
    if (method === 'POST' && match) {
      cancels.push(request);
      return onCancel(decodeURIComponent(match[1]!));
    }
    return errorResponse(404, `Invalid URL (${method} ${url.pathname})`);
  });
  return { server, cancels, fetchMock };
}

async function openDialog() {
  fireEvent.click(await screen.findByRole('button', { name: 'Cancel by id' }));
  // The file's first click comes before the dialog's code has arrived: it opens once that is there.
  const dialog = await screen.findByRole('dialog', { name: 'Cancel an upload by id' });
  const input = within(dialog).getByLabelText('Upload id');
  return { dialog, input, submit: within(dialog).getByRole('button', { name: 'Cancel upload' }) };
}

beforeAll(installDialogPolyfill);
let restoreLayout: () => void;
beforeAll(() => {
  restoreLayout = installLayoutStub();
});
afterAll(() => restoreLayout());

describe('cancel by id', () => {
  it('opens with the focus in the id field', async () => {
    serve(() => errorResponse(500, 'should not be called'));
    renderWithProviders(<UploadsList />);

    const { dialog, input } = await openDialog();

    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(input);
    expect(input.getAttribute('placeholder')).toBe('upload_abc123');
  });

  it('refuses a malformed id without sending anything, and says what an id looks like', async () => {
    const { cancels } = serve(() => errorResponse(500, 'should not be called'));
    renderWithProviders(<UploadsList />);
    const { input, submit } = await openDialog();

    fireEvent.click(submit);
    expect(screen.getByText('Enter an upload id')).toBeTruthy();

    fireEvent.change(input, { target: { value: '../etc' } });
    fireEvent.click(submit);

    const message = screen.getByText('Upload ids look like upload_abc123');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')?.split(' ')).toContain(message.id);
    expect(document.activeElement).toBe(input);
    expect(cancels).toEqual([]);
    expect(screen.getByRole('dialog', { name: 'Cancel an upload by id' })).toBeTruthy();

    // Fixing the id clears the message as it is typed.
    fireEvent.change(input, { target: { value: 'upload_abc123' } });
    expect(screen.queryByText('Upload ids look like upload_abc123')).toBeNull();
    expect(input.hasAttribute('aria-invalid')).toBe(false);
  });

  it('cancels the trimmed id, closes, toasts a way to the upload, and the list picks it up', async () => {
    const { server, cancels } = serve((id) => {
      server.records = [fromLog, listed];
      return jsonResponse({ ...fromLog.upload, id });
    });
    const { router } = renderWithProviders(<UploadsList />);
    await screen.findByText('listed.jsonl');
    expect(screen.queryByText('from-a-log.jsonl')).toBeNull();
    const { input, submit } = await openDialog();

    fireEvent.change(input, { target: { value: '  upload_fromalog1 \n' } });
    fireEvent.click(submit);

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(cancels).toHaveLength(1);
    expect(cancels[0]?.url.pathname).toBe('/api/uploads/upload_fromalog1/cancel');
    expect(cancels[0]?.headers.get('X-Requested-With')).toBe('uploads-console');

    expect(await screen.findByText('Cancelled from-a-log.jsonl (upload_fromalog1)')).toBeTruthy();
    const row = (await screen.findByRole('link', { name: 'from-a-log.jsonl' })).closest<HTMLElement>('[role="row"]');
    if (!row) throw new Error('link outside a table row');
    expect(within(row).getByText('cancelled')).toBeTruthy();
    expect(within(row).getByText('seen via cancel')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'View' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/uploads/upload_fromalog1'));
  });

  it('stays open on a refusal and shows it in plain words with the server’s message', async () => {
    const { cancels } = serve((id) => errorResponse(404, `No such Upload object: ${id}`, 'invalid_request_error'));
    renderWithProviders(<UploadsList />);
    const { dialog, input, submit } = await openDialog();

    fireEvent.change(input, { target: { value: 'upload_x' } });
    fireEvent.click(submit);
    expect(await within(dialog).findByRole('button', { name: 'Cancelling…' })).toBeTruthy();

    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe("Couldn't cancel upload_x: the upload no longer exists (No such Upload object: upload_x)");
    expect(screen.getByRole('dialog', { name: 'Cancel an upload by id' })).toBe(dialog);
    expect(within(dialog).getByRole('button', { name: 'Cancel upload' })).toBeTruthy();
    expect(cancels).toHaveLength(1);
    // Said once, in the dialog: no toast on top.
    expect(screen.getAllByText(/^Couldn't cancel upload_x/)).toHaveLength(1);

    // Editing the id puts the refusal away: it was about the old one.
    fireEvent.change(input, { target: { value: 'upload_y' } });
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('closes with the Close button and opens afresh', async () => {
    serve(() => errorResponse(500, 'should not be called'));
    renderWithProviders(<UploadsList />);
    const first = await openDialog();
    fireEvent.change(first.input, { target: { value: '../etc' } });
    fireEvent.click(first.submit);

    fireEvent.click(within(first.dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    const second = await openDialog();
    expect((second.input as HTMLInputElement).value).toBe('');
    expect(screen.queryByText('Upload ids look like upload_abc123')).toBeNull();
  });
});
