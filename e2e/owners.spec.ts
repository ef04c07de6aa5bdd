// Owners (issue 12): which client made each upload, as a column, a filter with per-client counts
// (kept in the URL), on the upload's page, and in the audit log.
import { expect, screenshot, test } from './support/fixtures.ts';
import { curlCreate, curlUserAgent } from './support/owners.ts';
import { checkScreen } from './support/screen-check.ts';
import { openUploads, uniqueTag, uploadRow } from './support/uploads-page.ts';

// Each screen is checked by axe and pictured in both schemes: slower than the default 30 s on a busy machine.
test.describe.configure({ timeout: 120_000 });

test("the list shows each upload's client and software, and the Client filter narrows it, in the URL", async ({ page, seed }, testInfo) => {
  const tag = uniqueTag('owners');
  const bySdk = await seed.pending(`${tag}-sdk`);
  const byCurl = await curlCreate(`${tag}-curl.jsonl`);
  const curl = await curlUserAgent();
  await openUploads(page, `?q=${tag}`);

  const sdkRow = uploadRow(page, bySdk.filename);
  const curlRow = uploadRow(page, byCurl.filename);
  await expect(sdkRow.getByRole('cell').filter({ hasText: 'node 6.49.0' })).toContainText('e2e');
  await expect(curlRow.getByRole('cell').filter({ hasText: curl })).toContainText('e2e-bot');
  await expect(page.getByRole('columnheader', { name: 'Client' })).toBeVisible();

  // Both idle past STUCK_AFTER (3 s): the filter's options say how many of each client's are stuck.
  await page.waitForTimeout(3_500);
  await page.reload();
  const filter = page.getByRole('combobox', { name: 'Client' });
  await expect(filter.getByRole('option', { name: /^e2e-bot — \d+ pending, [1-9]\d* stuck$/ })).toHaveCount(1);
  await filter.selectOption('e2e-bot');
  await expect(page).toHaveURL(/[?&]client=e2e-bot/);
  await expect(curlRow).toBeVisible();
  await expect(sdkRow).toHaveCount(0);
  await checkScreen(page, testInfo, 'owners-filtered');

  // A link (or a reload) keeps the filter.
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Client' })).toHaveValue('e2e-bot');
  await expect(curlRow).toBeVisible();
  await expect(sdkRow).toHaveCount(0);

  // Back to every client.
  await page.getByRole('combobox', { name: 'Client' }).selectOption('');
  await expect(page).not.toHaveURL(/client=/);
  await expect(sdkRow).toBeVisible();
  await checkScreen(page, testInfo, 'owners-list');
});

test("an upload's page names its client, with a link to that client's uploads; the audit log carries it", async ({ page }, testInfo) => {
  const tag = uniqueTag('owner-detail');
  const upload = await curlCreate(`${tag}.jsonl`);
  await openUploads(page);
  await page.goto(`/uploads/${upload.id}`);
  const seen = page.getByRole('region', { name: 'Seen by the proxy' });
  await expect(seen.getByText(await curlUserAgent())).toBeVisible();
  await checkScreen(page, testInfo, 'owners-detail');

  await page.getByRole('button', { name: /^Cancel/ }).first().click();
  await expect(page.getByRole('region', { name: 'Upload', exact: true }).getByText('cancelled', { exact: true })).toBeVisible();
  await page.goto(`/audit?upload_id=${upload.id}`);
  await expect(page.getByRole('row').filter({ hasText: upload.filename })).toContainText('Client e2e-bot');
  await screenshot(page, 'desktop-owners-audit');

  await page.goto(`/uploads/${upload.id}`);
  await seen.getByRole('link', { name: /e2e-bot/ }).click();
  await expect(page).toHaveURL(/\/\?client=e2e-bot$/);
  await expect(page.getByRole('combobox', { name: 'Client' })).toHaveValue('e2e-bot');
});
