import { expect, screenshot, signIn, test } from './support/fixtures.ts';

test('lists uploads with a badge for each of the four statuses', async ({ page, seed }) => {
  const pending = await seed.halfway('list-pending');
  const completed = await seed.completed('list-completed');
  const cancelled = await seed.cancelled('list-cancelled');
  const expired = await seed.expired('list-expired');
  await signIn(page);

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

test('an empty filter and a first load are designed states', async ({ page }) => {
  await signIn(page);
  await page.route('**/api/uploads?*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.fulfill({ json: { object: 'list', data: [], has_more: false, next_cursor: null, counts: { pending: 0, completed: 0, cancelled: 0, expired: 0 } } });
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
  await signIn(page);
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await expect(row).toBeVisible();
  await page.route('**/api/uploads?*', (route) => route.abort('connectionrefused'));
  await expect(page.getByText("Can't reach the Uploads Console server")).toBeVisible({ timeout: 20_000 });
  await expect(row).toBeVisible();
  await screenshot(page, 'uploads-server-unreachable');
  await page.unroute('**/api/uploads?*');
  await expect(page.getByText("Can't reach the Uploads Console server")).toBeHidden({ timeout: 20_000 });
});
