import { answerThroughTheNetwork, expect, screenshot, signIn, test } from './support/fixtures.ts';
import { openUploads, uniqueTag } from './support/uploads-page.ts';

test('lists uploads with a badge for each of the four statuses', async ({ page, seed }) => {
  // The expired one was created two hours ago, far down the newest-first list: search for the set.
  const tag = uniqueTag('list');
  const pending = await seed.halfway(`${tag}-pending`);
  const completed = await seed.completed(`${tag}-completed`);
  const cancelled = await seed.cancelled(`${tag}-cancelled`);
  const expired = await seed.expired(`${tag}-expired`);
  await openUploads(page, `?q=${tag}`);

  for (const [upload, status] of [
    [pending, 'pending'],
    [completed, 'completed'],
    [cancelled, 'cancelled'],
    [expired, 'expired'],
  ] as const) {
    const row = page.getByRole('row').filter({ hasText: upload.filename });
    await expect(row.getByText(status, { exact: true })).toBeVisible();
    await expect(row.getByText(upload.id)).toBeVisible();
  }
  const pendingRow = page.getByRole('row').filter({ hasText: pending.filename });
  await expect(pendingRow.getByText('2 KB / 4.1 KB')).toBeVisible(); // bytes received so far
  await expect(pendingRow.getByText(/expires in/i)).toBeVisible();
  await screenshot(page, 'uploads-list');
});

test('rows that are not pending offer no active Cancel, and say why on focus', async ({ page, seed }) => {
  const completed = await seed.completed('no-cancel');
  await signIn(page);
  const button = page.getByRole('button', { name: `Cancel ${completed.filename}` });
  await expect(button).toHaveAttribute('aria-disabled', 'true');
  await button.focus();
  await expect(page.getByRole('tooltip')).toContainText(/completed/i);
  await button.click({ force: true });
  const row = page.getByRole('row').filter({ hasText: completed.filename });
  await expect(row.getByText('completed', { exact: true })).toBeVisible();
});

test('the status tabs filter the list and keep the filter in the URL', async ({ page, seed }) => {
  const cancelled = await seed.cancelled('tab-cancelled');
  const pending = await seed.pending('tab-pending');
  await signIn(page);
  await page.getByRole('navigation', { name: 'Filter uploads by status' }).getByRole('link', { name: /Cancelled/ }).click();
  await expect(page).toHaveURL(/status=cancelled/);
  await expect(page.getByRole('row').filter({ hasText: cancelled.filename })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: pending.filename })).toHaveCount(0);
});

test('a signed-in page load shows the first rows from the page itself, without asking the API for them', async ({ page, seed }) => {
  const upload = await seed.pending('in-the-page');
  await signIn(page);
  const asked: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/') && url.pathname !== '/api/events') asked.push(`${url.pathname}${url.search}`);
  });
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: upload.filename })).toBeVisible();
  expect(asked.filter((path) => path === '/api/session' || path.startsWith('/api/uploads?'))).toEqual([]);
});

test('an empty filter and a first load are designed states', async ({ page }) => {
  await signIn(page);
  await answerThroughTheNetwork(page);
  await page.route('**/api/uploads?*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.fulfill({ json: { object: 'list', data: [], has_more: false, next_cursor: null, counts: { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 } } });
  });
  await page.goto('/?status=expired');
  await screenshot(page, 'uploads-loading');
  await expect(page.getByText('No expired uploads')).toBeVisible();
  await screenshot(page, 'uploads-empty-filter');
  await page.goto('/');
  await expect(page.getByText('No uploads yet')).toBeVisible();
  await screenshot(page, 'uploads-empty');
});

test('when the server is unreachable the dashboard says so, keeps the rows, and recovers', async ({ page, seed }) => {
  const upload = await seed.pending('offline');
  // Unreachable means the live stream is down too: the list falls back to polling.
  await page.route('**/api/events', (route) => route.abort('connectionrefused'));
  await signIn(page);
  await expect(page.getByText('Polling', { exact: true })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await expect(row).toBeVisible();
  await page.route('**/api/uploads?*', (route) => route.abort('connectionrefused'));
  await expect(page.getByText("Can't reach the Uploads Console server")).toBeVisible({ timeout: 20_000 });
  await expect(row).toBeVisible();
  await screenshot(page, 'uploads-server-unreachable');
  await page.unroute('**/api/uploads?*');
  await expect(page.getByText("Can't reach the Uploads Console server")).toBeHidden({ timeout: 20_000 });
});

test('a list of 100,000 uploads keeps only the rows in view in the page, and loads more on scroll', async ({ page }) => {
  const total = 100_000;
  const now = Math.floor(Date.now() / 1000);
  const record = (i: number) => ({
    upload: { id: `upload_scale${String(i).padStart(6, '0')}`, object: 'upload', bytes: 4096, created_at: now - i, expires_at: now - i + 3600, filename: `scale-${i}.jsonl`, purpose: 'batch', status: 'pending', file: null },
    status: 'pending',
    parts_count: 0,
    bytes_received: 0,
    last_activity_at: now - i,
    first_seen_at: now - i,
    seen_via: 'create',
    cancelled_by: null,
    cancelled_at: null,
    stuck: null,
  });
  await signIn(page);
  await answerThroughTheNetwork(page);
  await page.route('**/api/uploads?*', async (route) => {
    const params = new URL(route.request().url()).searchParams;
    const offset = Number(params.get('cursor') ?? 0);
    const limit = Number(params.get('limit'));
    const data = Array.from({ length: Math.min(limit, total - offset) }, (_, i) => record(offset + i));
    const more = offset + data.length < total;
    await route.fulfill({
      json: { object: 'list', data, has_more: more, next_cursor: more ? String(offset + data.length) : null, counts: { pending: total, completed: 0, cancelled: 0, expired: 0, stuck: 0 } },
    });
  });
  await page.goto('/');
  await expect(page.getByRole('row').filter({ hasText: 'scale-0.jsonl' })).toBeVisible();
  await expect(page.getByText('Showing 100 of 100,000')).toBeVisible();
  const table = page.getByRole('table', { name: 'Uploads' });
  await expect(table).toHaveAttribute('aria-rowcount', String(total + 1));
  expect(await page.getByRole('row').count()).toBeLessThan(40);

  // Scrolling to the end of what is loaded fetches the next page, again and again.
  for (const loaded of [200, 300]) {
    await table.evaluate((element) => element.parentElement!.scrollTo({ top: element.parentElement!.scrollHeight }));
    await expect(page.getByText(`Showing ${loaded} of 100,000`)).toBeVisible();
  }
  await expect(page.getByRole('row').filter({ hasText: 'scale-199.jsonl' })).toBeVisible();
  expect(await page.getByRole('row').count()).toBeLessThan(40);

  // The button does the same for those who prefer it.
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(page.getByText('Showing 400 of 100,000')).toBeVisible();
});
