import { expect, screenshot, signIn, test } from './support/fixtures.ts';

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

test('a pending upload can be cancelled from its detail page', async ({ page, seed }) => {
  const upload = await seed.halfway('detail-pending');
  await signIn(page);
  await page.goto(`/uploads/${upload.id}`);
  await screenshot(page, 'upload-detail-pending');
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(page.getByText(`Cancelled ${upload.filename}`)).toBeVisible();
  await expect(page.getByText(/"status": "cancelled"/)).toBeVisible();
});

test('an unknown upload shows a designed not-found state', async ({ page }) => {
  await signIn(page);
  await page.goto('/uploads/upload_doesnotexist000');
  await expect(page.getByText(/not found/i).first()).toBeVisible();
  await screenshot(page, 'upload-detail-not-found');
});
