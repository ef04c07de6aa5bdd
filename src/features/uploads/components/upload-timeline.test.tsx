import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '#contract/dashboard-api.ts';
import { errorResponse, jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { makeRecord } from '#src/testing/fixtures.ts';
import { renderWithProviders } from '#src/testing/render.tsx';
import { UploadTimeline } from './upload-timeline.tsx';

const NOW = Math.floor(Date.now() / 1000);
const record = makeRecord({ id: 'upload_tl1', filename: 'history.jsonl', status: 'cancelled' });

const events: TimelineEvent[] = [
  { at: NOW - 630, kind: 'created', actor: 'client:etl', message: 'Created by client:etl' },
  { at: NOW - 540, kind: 'part', actor: null, message: 'Part part_1 received: 2,048 bytes' },
  { at: NOW - 300, kind: 'cancel_attempt', actor: 'alice', message: 'Cancel by alice: it failed (Rate limit reached)' },
  { at: NOW - 60, kind: 'cancelled', actor: 'alice', message: 'Cancelled by alice' },
];

function serveTimeline(answer: () => Response) {
  return mockFetch(({ url }) => (url.pathname === '/api/uploads/upload_tl1/timeline' ? answer() : errorResponse(404, 'not here')));
}

describe('UploadTimeline', () => {
  it('lists the events in the order the server gives them, with an icon per kind', async () => {
    serveTimeline(() => jsonResponse({ object: 'list', data: events }));
    renderWithProviders(<UploadTimeline record={record} />);

    const list = await screen.findByRole('list', { name: 'History of history.jsonl, oldest first' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.dataset.kind)).toEqual(['created', 'part', 'cancel_attempt', 'cancelled']);
    expect(items[0]!.textContent).toContain('Created by client:etl');
    expect(items[1]!.textContent).toContain('Part part_1 received: 2,048 bytes');
    expect(items[3]!.textContent).toContain('Cancelled by alice');
    for (const item of items) expect(item.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
  });

  it('shows when each event happened, relative with the exact time on hover', async () => {
    serveTimeline(() => jsonResponse({ object: 'list', data: events }));
    renderWithProviders(<UploadTimeline record={record} />);

    const items = within(await screen.findByRole('list')).getAllByRole('listitem');
    const time = items[0]!.querySelector('time')!;
    expect(time.textContent).toBe('10 min ago');
    expect(time.getAttribute('title')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(time.getAttribute('datetime')).toBe(new Date((NOW - 630) * 1000).toISOString());
  });

  it('names the actor when there is one, marking SDK clients', async () => {
    serveTimeline(() => jsonResponse({ object: 'list', data: events }));
    renderWithProviders(<UploadTimeline record={record} />);

    const items = within(await screen.findByRole('list')).getAllByRole('listitem');
    expect(within(items[0]!).getByText('(SDK client)')).toBeTruthy();
    expect(within(items[0]!).getByTitle('client:etl').textContent).toContain('etl');
    // A part has no actor: nothing follows its time.
    expect(within(items[1]!).queryByText('·')).toBeNull();
    expect(within(items[3]!).getByTitle('alice')).toBeTruthy();
  });

  it('marks a cancel attempt that did not work as a warning', async () => {
    serveTimeline(() => jsonResponse({ object: 'list', data: events }));
    renderWithProviders(<UploadTimeline record={record} />);

    const items = within(await screen.findByRole('list')).getAllByRole('listitem');
    expect(items[2]!.textContent).toContain('Warning: Cancel by alice: it failed (Rate limit reached)');
    expect(items[3]!.textContent).not.toContain('Warning');
  });

  it('links to the audit entries of this upload', async () => {
    serveTimeline(() => jsonResponse({ object: 'list', data: events }));
    renderWithProviders(<UploadTimeline record={record} />);

    const section = screen.getByRole('region', { name: 'Timeline' });
    expect(within(section).getByRole('link', { name: 'See audit entries' }).getAttribute('href')).toBe('/audit?upload_id=upload_tl1');
  });

  it('says so when the timeline cannot be loaded, without taking the page down', async () => {
    serveTimeline(() => errorResponse(400, 'Bad id.'));
    renderWithProviders(<UploadTimeline record={record} />);

    expect((await screen.findByRole('alert')).textContent).toContain("Couldn't load the timeline: Bad id.");
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
