// The whole dashboard as main.tsx starts it (its router, session gate and error pages), against a
// mocked /api: where an operator lands, signed in or not, and what a failed session check shows.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '#contract/dashboard-api.ts';
import { deferred, errorResponse, jsonResponse, mockFetch, type MockRequest } from '#src/testing/fetch-mock.ts';
import { makeList, makeRecord } from '#src/testing/fixtures.ts';
import { installLayoutStub } from '#src/testing/layout-stub.ts';
import { createApp, onCaughtError } from './app.tsx';

const session: Session = { operator: 'alice', role: 'operator', upstream: 'emulator', stuck_after_minutes: 10, history_days: 30, audit_history_days: 365 };
const record = makeRecord({ id: 'upload_abc123', filename: 'weights.jsonl' });

/** A console whose session check answers `sessionAnswer` until someone signs in with the right token. */
function serve(sessionAnswer: (request: MockRequest) => Response | Promise<Response>) {
  const state = { signedIn: false };
  const requests: MockRequest[] = [];
  mockFetch((request) => {
    requests.push(request);
    const { method, url } = request;
    if (url.pathname === '/api/session' && method === 'GET') return state.signedIn ? jsonResponse(session) : sessionAnswer(request);
    if (url.pathname === '/api/session' && method === 'POST') {
      if ((request.body as { token?: string }).token !== 'right-token') return errorResponse(401, 'That operator token is not valid.');
      state.signedIn = true;
      return jsonResponse(session);
    }
    if (url.pathname === '/api/uploads' && method === 'GET') return jsonResponse(makeList([record]));
    if (url.pathname === `/api/uploads/${record.upload.id}` && method === 'GET') return jsonResponse(record);
    return errorResponse(404, `Invalid URL (${method} ${url.pathname})`);
  });
  return { state, requests };
}

async function start(url: string) {
  window.history.replaceState(null, '', url);
  const { App } = createApp();
  // Awaited: the first render may suspend (on the session, the login check).
  await act(async () => {
    render(<App />, { onCaughtError });
  });
}

const here = () => window.location.pathname + window.location.search;

let restoreLayout: (() => void) | undefined;
afterEach(() => {
  restoreLayout?.();
  window.history.replaceState(null, '', '/');
});

describe('the dashboard', () => {
  it('sends an operator without a session to sign in, and back to where they were going', async () => {
    serve(() => errorResponse(401, 'Not signed in.'));
    await start('/uploads/upload_abc123');

    const token = await screen.findByLabelText('Operator token');
    expect(here()).toBe('/login?next=%2Fuploads%2Fupload_abc123');
    fireEvent.change(token, { target: { value: 'right-token' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'weights.jsonl' })).toBeTruthy();
    expect(here()).toBe('/uploads/upload_abc123');
  });

  it('sends someone already signed in on from the login page, asking the server afresh', async () => {
    const { state, requests } = serve(() => errorResponse(401, 'Not signed in.'));
    state.signedIn = true;
    restoreLayout = installLayoutStub();
    await start('/login?next=%2F%3Fstatus%3Dpending');

    await waitFor(() => expect(here()).toBe('/?status=pending'));
    expect(await screen.findByRole('table', { name: 'Uploads' })).toBeTruthy();
    expect(here()).toBe('/?status=pending');
    expect(requests.filter((request) => request.url.pathname === '/api/session')).toHaveLength(1);
    expect(screen.queryByLabelText('Operator token')).toBeNull();
  });

  it('says so when the session cannot be checked, and Try again stays up, trying, until it can', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const answer = { now: () => errorResponse(503, 'The server is restarting', 'server_error') };
    serve(() => answer.now());
    restoreLayout = installLayoutStub();
    await start('/');

    // The session query's own retries come first.
    await act(() => vi.advanceTimersByTimeAsync(15_000));
    expect(await screen.findByText("Can't reach the Uploads Console server")).toBeTruthy();
    expect(screen.getByText('The server is restarting')).toBeTruthy();

    const later = deferred<Response>();
    answer.now = () => later.promise as unknown as Response;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('button', { name: 'Trying again…' })).toBeTruthy();
    expect(screen.getByText("Can't reach the Uploads Console server")).toBeTruthy();

    later.resolve(jsonResponse(session));
    expect(await screen.findByRole('table', { name: 'Uploads' })).toBeTruthy();
    expect(screen.queryByText("Can't reach the Uploads Console server")).toBeNull();
  });

  it('answers an address that is no upload id with "not found", asking the server nothing about it', async () => {
    const { state, requests } = serve(() => errorResponse(401, 'Not signed in.'));
    state.signedIn = true;
    await start('/uploads/not-an-id');

    expect(await screen.findByText('Upload not found')).toBeTruthy();
    await waitFor(() => expect(requests.some((request) => request.url.pathname.includes('not-an-id'))).toBe(false));
  });
});
