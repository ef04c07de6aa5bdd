// Cancel from the list waits five seconds for an Undo before anything is sent.
import { expect, test } from './support/fixtures.ts';
import { openUploads, recordCancelRequests, undoToast, uniqueTag, uploadRow } from './support/uploads-page.ts';

test('Undo within the window sends nothing, and the upload stays pending', async ({ page, seed }) => {
  const upload = await seed.pending('undo');
  const cancels = recordCancelRequests(page);
  await openUploads(page);
  const row = uploadRow(page, upload.filename);

  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  const toast = undoToast(page, upload.filename);
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Undo' }).click();

  await expect(row.getByText('pending', { exact: true })).toBeVisible();
  // Past the end of the window, with room to spare: a cancel would have gone by now.
  await page.waitForTimeout(6_500);
  expect(cancels).toEqual([]);
  await page.reload();
  await expect(uploadRow(page, upload.filename).getByText('pending', { exact: true })).toBeVisible();
});

test('without Undo the cancel is sent when the window ends, and the upload is cancelled for good', async ({ page, seed }) => {
  const upload = await seed.pending('no-undo');
  await openUploads(page);
  const clickedAt = Date.now();
  const sent = page.waitForRequest((r) => r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: 10_000 });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();

  const request = await sent;
  expect(Date.now() - clickedAt).toBeGreaterThanOrEqual(4_900);
  expect(request.headers()['x-requested-with']).toBe('uploads-console');
  await expect(page.getByText(`Cancelled ${upload.filename}`)).toBeVisible();
  await page.reload();
  await expect(uploadRow(page, upload.filename).getByText('cancelled', { exact: true })).toBeVisible();
});

test('leaving the page inside the window still sends the cancel (keepalive)', async ({ page, seed }) => {
  const upload = await seed.pending('page-hide');
  await openUploads(page);
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(undoToast(page, upload.filename)).toBeVisible();

  // Navigating away fires pagehide: the waiting cancel goes out at once and outlives the page.
  await page.goto('about:blank');
  await expect
    .poll(async () => ((await (await page.request.get(`/api/uploads/${upload.id}`)).json()) as { status: string }).status, { timeout: 10_000 })
    .toBe('cancelled');
});

test('keyboard: j/k move between rows, x selects, c cancels with the same undo', async ({ page, seed }) => {
  const tag = uniqueTag('keys');
  await Promise.all(['a', 'b', 'c'].map((stem) => seed.pending(`${tag}-${stem}`)));
  await openUploads(page, `?q=${tag}`);
  const rows = page.getByRole('row').filter({ hasText: tag });
  await expect(rows).toHaveCount(3);
  const [first, second, third] = [rows.nth(0), rows.nth(1), rows.nth(2)];
  const secondName = (await second.getByRole('link').textContent())!;
  const firstName = (await first.getByRole('link').textContent())!;

  await page.keyboard.press('j');
  await expect(first).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(third).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('k');
  await expect(second).toHaveAttribute('aria-current', 'true');
  await expect(third).not.toHaveAttribute('aria-current', 'true');

  await page.keyboard.press('x');
  await expect(page.getByRole('checkbox', { name: `Select ${secondName}` })).toBeChecked();
  await expect(page.getByRole('region', { name: 'Selected uploads' })).toContainText('1 selected');

  await page.keyboard.press('k');
  await page.keyboard.press('c');
  await expect(undoToast(page, firstName)).toBeVisible();
  await expect(first.getByText('cancelled', { exact: true })).toBeVisible();
  await undoToast(page, firstName).getByRole('button', { name: 'Undo' }).click();
  await expect(first.getByText('pending', { exact: true })).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(page.getByRole('region', { name: 'Selected uploads' })).toHaveCount(0);

  await page.keyboard.press('?');
  await expect(page.getByRole('region', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('region', { name: 'Keyboard shortcuts' })).toBeHidden();
});
