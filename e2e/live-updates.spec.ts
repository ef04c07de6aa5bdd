// Two operators on the same console: what one does, the other sees without reloading.
import { expect, screenshot, test } from './support/fixtures.ts';
import { openUploads, uniqueTag, uploadRow } from './support/uploads-page.ts';

test('a cancel by one operator shows up live for another, whose selection survives; new uploads appear too', async ({ browser, seed }) => {
  const tag = uniqueTag('live');
  const target = await seed.pending(`${tag}-target`);
  const kept = await seed.pending(`${tag}-kept`);
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    const a = await first.newPage();
    const b = await second.newPage();
    await openUploads(a, `?q=${tag}`);
    await openUploads(b, `?q=${tag}`);
    await expect(b.getByText('Live', { exact: true })).toBeVisible();

    // B is in the middle of something: a row selected.
    await b.getByRole('checkbox', { name: `Select ${kept.filename}` }).check();
    await expect(b.getByRole('region', { name: 'Selected uploads' })).toContainText('1 selected');

    // A cancels (after its undo window); B sees it without reloading.
    await a.getByRole('button', { name: `Cancel ${target.filename}` }).click();
    await expect(a.getByText(`Cancelled ${target.filename}`)).toBeVisible({ timeout: 15_000 });
    await expect(uploadRow(b, target.filename).getByText('cancelled', { exact: true })).toBeVisible({ timeout: 5_000 });
    await expect(b.getByRole('checkbox', { name: `Select ${kept.filename}` })).toBeChecked();
    await expect(b.getByRole('region', { name: 'Selected uploads' })).toContainText('1 selected');
    // A screen reader hears it once, summed up (a polite live region), not with every event.
    const changes = b.getByRole('status', { name: 'List changes' });
    await expect(changes).toHaveText('Live update: 1 upload changed to cancelled.');
    // A's own cancel is no news to A: its toasts said it all.
    await expect(a.getByRole('status', { name: 'List changes' })).toHaveText('');

    // A client creates an upload through the proxy: it appears in B, still without a reload.
    const created = await seed.pending(`${tag}-new`);
    await expect(uploadRow(b, created.filename)).toBeVisible({ timeout: 6_000 });
    await expect(changes).toHaveText('Live update: 1 new upload.', { timeout: 8_000 });
    await expect(b.getByRole('checkbox', { name: `Select ${kept.filename}` })).toBeChecked();
    await b.mouse.move(700, 820); // no hover tooltip in the picture
    await screenshot(b, 'live-second-operator');
  } finally {
    await first.close();
    await second.close();
  }
});
