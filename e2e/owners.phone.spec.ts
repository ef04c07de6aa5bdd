// Owners on a phone (the "phone" project): each card names its client beside the status, and the
// Client filter (a native picker, with each client's pending and stuck counts) narrows the list.
import { expect, test } from './support/fixtures.ts';
import { curlCreate, curlUserAgent } from './support/owners.ts';
import { checkScreen } from './support/screen-check.ts';
import { openUploads, uniqueTag, uploadRow } from './support/uploads-page.ts';

test.describe.configure({ timeout: 120_000 });

test('a card names its client and software; the Client filter narrows the cards', async ({ page, seed }, testInfo) => {
  const tag = uniqueTag('owners-phone');
  const bySdk = await seed.halfway(`${tag}-sdk`);
  const byCurl = await curlCreate(`${tag}-curl.jsonl`);
  await openUploads(page, `?q=${tag}`);
  await expect(uploadRow(page, bySdk.filename)).toContainText('node 6.49.0');
  await expect(uploadRow(page, byCurl.filename)).toContainText(await curlUserAgent());
  await checkScreen(page, testInfo, 'owners-cards');

  await page.getByRole('combobox', { name: 'Client' }).selectOption('e2e-bot');
  await expect(page).toHaveURL(/[?&]client=e2e-bot/);
  await expect(uploadRow(page, bySdk.filename)).toHaveCount(0);
  await expect(uploadRow(page, byCurl.filename)).toBeVisible();
  await checkScreen(page, testInfo, 'owners-cards-filtered');
});
