import { emulator, expect, screenshot, signIn, test } from './support/fixtures.ts';

test('the detail page shows every field, the File object once completed, and the raw JSON', async ({ page, seed }) => {
  const upload = await seed.completed('detail');
  await signIn(page);
  await page.getByRole('link', { name: upload.filename }).click();
  await expect(page).toHaveURL(new RegExp(`/uploads/${upload.id}$`));
  await expect(page.getByRole('heading', { name: upload.filename })).toBeVisible();
  await expect(page.getByText(upload.file!.id).first()).toBeVisible();
  await expect(page.getByText('"object": "upload"')).toBeVisible();
  await expect(page.getByText(/"status": "completed"/)).toBeVisible();
  await screenshot(page, 'upload-detail-completed');
});

test('a pending upload can be cancelled from its detail page: sent at once, shown cancelled until OpenAI answers', async ({ page, seed }) => {
  const upload = await seed.halfway('detail-pending');
  await emulator.addFault({ operation: 'cancel', delay_ms: 3000 });
  await signIn(page);
  await page.goto(`/uploads/${upload.id}`);
  await screenshot(page, 'upload-detail-pending');
  const card = page.getByRole('region', { name: 'Upload', exact: true });
  await expect(card.getByText('pending', { exact: true })).toBeVisible();

  let answered = false;
  const response = page
    .waitForResponse((r) => r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: 15_000 })
    .then((r) => {
      answered = true;
      return r;
    });
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: 2_000 });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  // No undo window here: the click sends it.
  await sent;
  await expect(card.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 1000 });
  await expect(page.getByRole('button', { name: `Cancel ${upload.filename}` })).toHaveAttribute('aria-disabled', 'true');
  expect(answered).toBe(false);

  expect((await response).status()).toBe(200);
  await expect(page.getByText(`Cancelled ${upload.filename}`)).toBeVisible();
  await expect(page.getByText(/"status": "cancelled"/)).toBeVisible();
  await expect(card.getByText('cancelled', { exact: true })).toBeVisible();
});

test('an unknown upload shows a designed not-found state', async ({ page }) => {
  await signIn(page);
  await page.goto('/uploads/upload_doesnotexist000');
  await expect(page.getByText(/not found/i).first()).toBeVisible();
  await screenshot(page, 'upload-detail-not-found');
});
