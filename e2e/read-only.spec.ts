// A read-only operator sees everything and can cancel nothing; the server refuses too.
import { expect, screenshot, test } from './support/fixtures.ts';
import { openUploads, uniqueTag, uploadRow } from './support/uploads-page.ts';

test('a read-only operator gets a badge, no selection, and no active Cancel', async ({ page, seed }) => {
  const tag = uniqueTag('viewer');
  const pending = await seed.halfway(`${tag}-pending`);
  await seed.completed(`${tag}-done`);
  await openUploads(page, `?q=${tag}`, { as: 'viewer' });
  await expect(uploadRow(page, pending.filename)).toBeVisible();

  // The uploads page says so beside its heading (the header may say so too).
  // The header says so on every page (the badge beside the operator's name).
  await expect(page.getByRole('banner').getByText('Read-only', { exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  for (const button of await page.getByRole('button', { name: /^Cancel / }).all()) {
    await expect(button).toHaveAttribute('aria-disabled', 'true');
  }
  const cancel = page.getByRole('button', { name: `Cancel ${pending.filename}` });
  await cancel.focus();
  await expect(page.getByRole('tooltip').filter({ hasText: 'Your access is read-only' })).toBeVisible();
  await screenshot(page, 'read-only');
  await cancel.click({ force: true });
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await expect(uploadRow(page, pending.filename).getByText('pending', { exact: true })).toBeVisible();
  await expect(page.getByText(/Cancelling/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel by id' })).toHaveAttribute('aria-disabled', 'true');
});

test('the server refuses a read-only operator’s cancel with 403', async ({ page, seed }) => {
  const upload = await seed.pending('viewer-api');
  await openUploads(page, '', { as: 'viewer' });
  const response = await page.request.post(`/api/uploads/${upload.id}/cancel`, { headers: { 'x-requested-with': 'uploads-console' } });
  expect(response.status()).toBe(403);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('read_only_operator');
  expect(body.error.message).toMatch(/read-only/);
});
