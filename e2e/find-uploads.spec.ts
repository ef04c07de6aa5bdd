// Finding uploads: search, filters, sort and the stuck view, all kept in the URL.
import { e2eEnv } from './support/e2e-env.ts';
import { expect, screenshot, test } from './support/fixtures.ts';
import { openUploads, uniqueTag, uploadRow } from './support/uploads-page.ts';

test('search finds uploads by a piece of the filename, in any case', async ({ page, seed }) => {
  const tag = uniqueTag('find-name');
  const alpha = await seed.pending(`${tag}-Alpha`);
  const beta = await seed.pending(`${tag}-beta`);
  await openUploads(page);

  const search = page.getByRole('searchbox', { name: 'Search uploads' });
  await search.fill(`${tag}-ALPHA`);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${tag}-ALPHA`, 'i'));
  await expect(uploadRow(page, alpha.filename)).toBeVisible();
  await expect(uploadRow(page, beta.filename)).toHaveCount(0);
  await expect(page.getByText('1 result', { exact: true })).toBeVisible();
});

test('search finds an upload by its id', async ({ page, seed }) => {
  const tag = uniqueTag('find-id');
  const wanted = await seed.pending(`${tag}-wanted`);
  const other = await seed.pending(`${tag}-other`);
  await openUploads(page, `?q=${tag}`);
  await expect(uploadRow(page, other.filename)).toBeVisible();

  await page.getByRole('searchbox', { name: 'Search uploads' }).fill(wanted.id);
  await expect(uploadRow(page, wanted.filename)).toBeVisible();
  await expect(uploadRow(page, other.filename)).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`q=${wanted.id}`));
});

test('purpose, sort and the stuck view live in the URL, and Back restores the previous view', async ({ page, seed, sdk }) => {
  const tag = uniqueTag('find-view');
  const small = await seed.pending(`${tag}-small`);
  const large = await sdk.uploads.create({ filename: `${tag}-large.jsonl`, purpose: 'batch', bytes: 900_000, mime_type: 'application/jsonl' });
  const tuning = await sdk.uploads.create({ filename: `${tag}-tuning.jsonl`, purpose: 'fine-tune', bytes: 2048, mime_type: 'application/jsonl' });
  await openUploads(page, `?q=${tag}`);
  await expect(uploadRow(page, tuning.filename)).toBeVisible();

  await page.getByLabel('Purpose').selectOption('batch');
  await expect(page).toHaveURL(/purpose=batch/);
  await expect(uploadRow(page, tuning.filename)).toHaveCount(0);

  await page.getByRole('button', { name: 'Size' }).click();
  await expect(page).toHaveURL(/purpose=batch.*sort=bytes&order=desc/);
  await expect(page.getByRole('columnheader', { name: 'Size' })).toHaveAttribute('aria-sort', 'descending');
  // Largest first.
  await expect(page.getByRole('row').nth(1)).toContainText(large.filename);
  await expect(page.getByRole('row').nth(2)).toContainText(small.filename);
  await page.getByRole('button', { name: 'Size' }).click();
  await expect(page).toHaveURL(/sort=bytes&order=asc/);
  await expect(page.getByRole('columnheader', { name: 'Size' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByRole('row').nth(1)).toContainText(small.filename);
  await screenshot(page, 'uploads-filtered');

  // A link reproduces the view.
  const shared = await page.context().newPage();
  await shared.goto(page.url());
  await expect(shared.getByLabel('Purpose')).toHaveValue('batch');
  await expect(shared.getByRole('searchbox', { name: 'Search uploads' })).toHaveValue(tag);
  await expect(shared.getByRole('columnheader', { name: 'Size' })).toHaveAttribute('aria-sort', 'ascending');
  await shared.close();

  // The stuck view keeps the search, purpose and sort.
  await page.getByRole('navigation', { name: 'Filter uploads by status' }).getByRole('link', { name: /Stuck/ }).click();
  await expect(page).toHaveURL(/stuck=true/);
  await expect(page).toHaveURL(/purpose=batch/);
  await expect(page).toHaveURL(/sort=bytes&order=asc/);
  await expect(page.getByRole('link', { name: /Stuck/ })).toHaveAttribute('aria-current', 'page');

  // Back steps through the views: before the stuck tab, before each sort, before the purpose.
  await page.goBack();
  await expect(page).not.toHaveURL(/stuck=true/);
  await expect(page).toHaveURL(/sort=bytes&order=asc/);
  await page.goBack();
  await expect(page).toHaveURL(/sort=bytes&order=desc/);
  await expect(page.getByRole('columnheader', { name: 'Size' })).toHaveAttribute('aria-sort', 'descending');
  await page.goBack();
  await expect(page).not.toHaveURL(/sort=/);
  await expect(page.getByLabel('Purpose')).toHaveValue('batch');
  await page.goBack();
  await expect(page).not.toHaveURL(/purpose=/);
  await expect(page.getByLabel('Purpose')).toHaveValue('');
  await expect(uploadRow(page, tuning.filename)).toBeVisible();
});

test('pressing / anywhere focuses the search box', async ({ page }) => {
  await openUploads(page);
  const search = page.getByRole('searchbox', { name: 'Search uploads' });
  await expect(search).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');
});

test('a stuck upload says why, and the Stuck view lists it', async ({ page, seed }) => {
  const tag = uniqueTag('find-stuck');
  const stuck = await seed.pending(`${tag}-stalled`);
  // The e2e server calls an upload stuck after a few seconds without a part.
  await page.waitForTimeout(e2eEnv.stuckAfterSeconds * 1000 + 1000);
  await openUploads(page, `?q=${tag}`);
  await page.getByRole('navigation', { name: 'Filter uploads by status' }).getByRole('link', { name: /Stuck/ }).click();
  await expect(page).toHaveURL(/stuck=true/);
  const row = uploadRow(page, stuck.filename);
  await expect(row.getByText(/No part received since it was created/)).toBeVisible();
  await screenshot(page, 'uploads-stuck');
});
