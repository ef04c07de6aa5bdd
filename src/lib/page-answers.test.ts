import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAGE_ANSWERS_ELEMENT_ID } from '#contract/constants.ts';
import { jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { ApiError, apiClient, type Expected } from './api-client.ts';
import { PAGE_ANSWERS_FRESH_MS, resetPageAnswers } from './page-answers.ts';

const listShape: Expected<{ object: 'list'; data: unknown[] }> = { object: 'list', keys: ['data'] };
const PATH = '/api/uploads?limit=100&sort=created_at&order=desc';

/** The block as the server writes it (server/routes/static-routes.ts). */
function writeBlock(text: string) {
  const element = document.createElement('script');
  element.type = 'application/json';
  element.id = PAGE_ANSWERS_ELEMENT_ID;
  element.textContent = text;
  document.body.append(element);
}

beforeEach(() => {
  resetPageAnswers();
  // The page has just loaded (a slow test run must not make the answers stale).
  vi.spyOn(performance, 'now').mockReturnValue(0);
});
afterEach(() => document.getElementById(PAGE_ANSWERS_ELEMENT_ID)?.remove());

describe("the page's answers", () => {
  it('stand in for the first GET of their path, once; then the network answers', async () => {
    writeBlock(JSON.stringify({ [PATH]: { object: 'list', data: ['from the page'] } }).replace(/&/g, '\\u0026'));
    const fetchMock = mockFetch(() => jsonResponse({ object: 'list', data: ['from the network'] }));
    await expect(apiClient.get(PATH, listShape)).resolves.toEqual({ object: 'list', data: ['from the page'] });
    expect(fetchMock).not.toHaveBeenCalled();
    expect(document.getElementById(PAGE_ANSWERS_ELEMENT_ID)).toBeNull();
    await expect(apiClient.get(PATH, listShape)).resolves.toEqual({ object: 'list', data: ['from the network'] });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('leave every other path to the network', async () => {
    writeBlock(JSON.stringify({ [PATH]: { object: 'list', data: [] } }));
    const fetchMock = mockFetch(() => jsonResponse({ object: 'list', data: ['filtered'] }));
    await expect(apiClient.get('/api/uploads?limit=100&status=pending', listShape)).resolves.toEqual({ object: 'list', data: ['filtered'] });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('are checked like any answer', async () => {
    writeBlock(JSON.stringify({ [PATH]: { object: 'upload' } }));
    mockFetch(() => jsonResponse({ object: 'list', data: [] }));
    const error = await apiClient.get(PATH, listShape).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ type: 'invalid_response' });
  });

  it('are ignored when the block is damaged, or once the page is no longer new', async () => {
    writeBlock('{"/api/uploads?limit=100');
    const fetchMock = mockFetch(() => jsonResponse({ object: 'list', data: ['network'] }));
    await expect(apiClient.get(PATH, listShape)).resolves.toEqual({ object: 'list', data: ['network'] });

    resetPageAnswers();
    writeBlock(JSON.stringify({ [PATH]: { object: 'list', data: ['stale'] } }));
    vi.spyOn(performance, 'now').mockReturnValue(PAGE_ANSWERS_FRESH_MS + 1);
    await expect(apiClient.get(PATH, listShape)).resolves.toEqual({ object: 'list', data: ['network'] });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});
