import { describe, expect, it } from 'vitest';
import { FIRST_LIST_PAGE_PATH, SESSION_PATH } from '#contract/constants.ts';
import { getSession } from '#src/features/auth/api/get-session.ts';
import { getUploads } from '#src/features/uploads/api/get-uploads.ts';
import { parseListSearch } from '#src/features/uploads/utils/list-search-params.ts';
import { jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';

// The server writes the answers to these paths into the page (server/routes/static-routes.ts);
// they only help while they are the very requests the dashboard makes first.
describe('the requests the server answers in the page', () => {
  it('are what the plain list and the session check ask for', async () => {
    const fetchMock = mockFetch(({ url }) =>
      url.pathname === SESSION_PATH
        ? jsonResponse({ operator: 'alice', role: 'operator', upstream: 'emulator', stuck_after_minutes: 10 })
        : jsonResponse({ object: 'list', data: [], has_more: false, next_cursor: null, counts: {} }),
    );
    await getUploads(parseListSearch(new URLSearchParams('')));
    await getSession();
    expect(fetchMock.mock.calls.map(([input]) => String(input))).toEqual([FIRST_LIST_PAGE_PATH, SESSION_PATH]);
  });
});
