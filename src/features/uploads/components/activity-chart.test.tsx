import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '#src/testing/setup.ts';
import { ACTIVITY_WINDOW_SPANS, type ActivityWindow } from '#contract/constants.ts';
import type { StatusCounts, UploadActivity } from '#contract/dashboard-api.ts';
import { jsonResponse, mockFetch } from '#src/testing/fetch-mock.ts';
import { renderWithProviders } from '#src/testing/render.tsx';
import ActivityChart from './activity-chart.tsx';

const zero: StatusCounts = { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 };

/** A window whose newest bucket holds `last` and the one before it `previous`; the rest empty. */
function activity(window: ActivityWindow, last: Partial<StatusCounts>, previous: Partial<StatusCounts> = {}): UploadActivity {
  const { buckets, bucketSeconds } = ACTIVITY_WINDOW_SPANS[window];
  const end = (Math.floor(Date.now() / 1000 / bucketSeconds) + 1) * bucketSeconds;
  const start = end - buckets * bucketSeconds;
  const list = Array.from({ length: buckets }, (_, i) => ({
    start: start + i * bucketSeconds,
    end: start + (i + 1) * bucketSeconds,
    counts: { ...zero, ...(i === buckets - 1 ? last : i === buckets - 2 ? previous : {}) },
  }));
  const totals = { ...zero };
  for (const bucket of list) for (const key of Object.keys(zero) as (keyof StatusCounts)[]) totals[key] += bucket.counts[key];
  return { object: 'upload_activity', window, bucket_seconds: bucketSeconds, start, end, buckets: list, totals };
}

afterEach(() => {
  window.localStorage.clear();
});

const nameOf = (element: HTMLElement) => element.getAttribute('aria-label');
const descriptionOf = (element: HTMLElement) => document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent;

function serve() {
  const asked: string[] = [];
  mockFetch((request) => {
    const window = (request.url.searchParams.get('window') ?? '24h') as ActivityWindow;
    asked.push(window);
    return jsonResponse(activity(window, { completed: 3, pending: 2, stuck: 1 }, { cancelled: 1 }));
  });
  return asked;
}

describe('the uploads-over-time chart', () => {
  it('draws a bar per bucket, named by its counts, sums the chart up, and a bar asks for its span', async () => {
    serve();
    const onSelect = vi.fn();
    renderWithProviders(<ActivityChart createdAfter={undefined} createdBefore={undefined} onSelect={onSelect} />);
    const bars = await screen.findByRole('toolbar', { name: 'Uploads created per hour over the last 24 hours, by status. Choose a bar to list its uploads.' });
    expect(within(bars).getAllByRole('button')).toHaveLength(24);
    expect(descriptionOf(bars)).toMatch(/^6 uploads created in the last 24 hours: 3 completed, 1 cancelled, 2 pending \(1 stuck\)\. Busiest: /);
    const newest = within(bars).getAllByRole('button').at(-1)!;
    expect(nameOf(newest)).toMatch(/^Today \d\d:00–\d\d:00: 5 uploads, 3 completed, 2 pending \(1 stuck\)$/);
    // One tab stop: the newest bar.
    expect(newest.getAttribute('tabindex')).toBe('0');
    expect(within(bars).getAllByRole('button').filter((bar) => bar.getAttribute('tabindex') === '0')).toHaveLength(1);
    const totals = screen.getByRole('list', { name: 'Totals' });
    expect(within(totals).getByText('Stuck').closest('li')?.textContent).toBe('Stuck1(of the pending ones)');

    fireEvent.click(newest);
    const data = activity('24h', {});
    expect(onSelect).toHaveBeenCalledWith({ start: data.buckets.at(-1)!.start, end: data.buckets.at(-1)!.end });
  });

  it('shows the bar of the list’s created-time filter pressed, and a click on it asks to clear it', async () => {
    serve();
    const onSelect = vi.fn();
    const bucket = activity('24h', {}).buckets.at(-2)!;
    renderWithProviders(<ActivityChart createdAfter={bucket.start} createdBefore={bucket.end} onSelect={onSelect} />);
    const bars = await screen.findByRole('toolbar');
    const pressed = within(bars).getByRole('button', { pressed: true });
    expect(nameOf(pressed)).toMatch(/: 1 upload, 1 cancelled$/);
    fireEvent.click(pressed);
    expect(onSelect).toHaveBeenCalledWith(null);
  });

  it('switches its window, asking the server for it, and keeps the choice', async () => {
    const asked = serve();
    const first = renderWithProviders(<ActivityChart createdAfter={undefined} createdBefore={undefined} onSelect={() => {}} />);
    await screen.findByRole('toolbar');
    fireEvent.click(within(screen.getByRole('group', { name: 'Chart window' })).getByRole('button', { name: '1 h' }));
    const bars = await screen.findByRole('toolbar', { name: /^Uploads created per 5 minutes over the last hour/ });
    expect(within(bars).getAllByRole('button')).toHaveLength(12);
    expect(asked).toEqual(['24h', '1h']);
    act(() => first.unmount());

    renderWithProviders(<ActivityChart createdAfter={undefined} createdBefore={undefined} onSelect={() => {}} />);
    expect(await screen.findByRole('toolbar', { name: /over the last hour/ })).toBeTruthy();
    expect(within(screen.getByRole('group', { name: 'Chart window' })).getByRole('button', { name: '1 h' }).getAttribute('aria-pressed')).toBe('true');
  });
});
