// Cancelling many uploads at once: a server-side job the page follows.
import { emulator, expect, screenshot, test } from './support/fixtures.ts';
import { openUploads, uniqueTag, uploadRow } from './support/uploads-page.ts';

test('select with checkbox and shift-click, confirm the exact counts, and retry just the failures', async ({ page, seed, sdk }) => {
  const tag = uniqueTag('bulk');
  const uploads = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((stem) => seed.pending(`${tag}-${stem}`)));
  const c = uploads[2]!;
  await openUploads(page, `?q=${tag}`);
  const rows = page.getByRole('row').filter({ hasText: tag });
  await expect(rows).toHaveCount(5);

  // The first row's checkbox, then shift-click the last one: the range between is selected.
  await rows.first().getByRole('checkbox').check();
  await rows.last().getByRole('checkbox').click({ modifiers: ['Shift'] });
  const bar = page.getByRole('region', { name: 'Selected uploads' });
  await expect(bar).toContainText('5 selected');

  // One of them finishes elsewhere before the operator confirms.
  await sdk.uploads.cancel(c.id);
  await expect(uploadRow(page, c.filename).getByText('cancelled', { exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: `Select ${c.filename}` })).toBeChecked();

  // Exactly two of the four cancels fail at OpenAI.
  await emulator.addFault({ operation: 'cancel', status: 404, count: 2 });
  await bar.getByRole('button', { name: 'Cancel 5' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel 4 pending uploads?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('1 selected upload is already finished and will be skipped.')).toBeVisible();
  await dialog.getByLabel(/Reason/).fill('stalled client, e2e');
  await screenshot(page, 'bulk-confirm');
  const started = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/bulk-cancels');
  await dialog.getByRole('button', { name: 'Cancel 4 uploads' }).click();
  const body = (await started).postDataJSON() as { ids: string[]; reason: string };
  expect(body.reason).toBe('stalled client, e2e');
  expect([...body.ids].sort()).toEqual(uploads.map((u) => u.id).sort());
  await expect(dialog).toBeHidden();

  const status = page.getByRole('status', { name: 'Bulk cancel' });
  await expect(status).toContainText('2 cancelled · 1 already finished · 2 not found');
  await expect(bar).toContainText('2 selected');
  const failedRows = page.getByRole('row').filter({ hasText: /Not cancelled \(404\)/ });
  await expect(failedRows).toHaveCount(2);
  for (const row of await failedRows.all()) {
    await expect(row.getByText('pending', { exact: true })).toBeVisible();
    await expect(row.getByRole('checkbox')).toBeChecked();
  }
  const failedNames = await Promise.all((await failedRows.all()).map(async (row) => (await row.getByRole('link').textContent()) ?? ''));
  await screenshot(page, 'bulk-result');

  // Cancel again: a job with just the two that failed.
  await bar.getByRole('button', { name: 'Cancel 2' }).click();
  const retry = page.getByRole('dialog', { name: 'Cancel 2 pending uploads?' });
  const retried = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/bulk-cancels');
  await retry.getByRole('button', { name: 'Cancel 2 uploads' }).click();
  const ids = ((await retried).postDataJSON() as { ids: string[] }).ids;
  expect(ids.map((id) => uploads.find((u) => u.id === id)?.filename).sort()).toEqual(failedNames.sort());
  await expect(status).toContainText('2 cancelled');
  await expect(status).not.toContainText('not found');
  for (const upload of uploads) await expect(uploadRow(page, upload.filename).getByText('cancelled', { exact: true })).toBeVisible();
  await expect(bar).toHaveCount(0);
});

test('"select all matching this filter" cancels everything the filter matches', async ({ page, seed }) => {
  const tag = uniqueTag('bulk-all');
  const uploads = await Promise.all(Array.from({ length: 6 }, (_, i) => seed.pending(`${tag}-${i}`)));
  await openUploads(page, `?q=${tag}`);
  await expect(uploadRow(page, uploads[0]!.filename)).toBeVisible();

  await page.getByRole('checkbox', { name: `Select ${uploads[2]!.filename}` }).check();
  const bar = page.getByRole('region', { name: 'Selected uploads' });
  await bar.getByRole('button', { name: 'Select all 6 matching this filter' }).click();
  await expect(bar).toContainText('All 6 matching selected');
  await bar.getByRole('button', { name: 'Cancel 6' }).click();

  const dialog = page.getByRole('dialog', { name: 'Cancel 6 pending uploads?' });
  const started = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/bulk-cancels');
  await dialog.getByRole('button', { name: 'Cancel 6 uploads' }).click();
  expect((await started).postDataJSON()).toEqual({ filter: { q: tag } });

  await expect(page.getByRole('status', { name: 'Bulk cancel' })).toContainText('6 cancelled');
  for (const upload of uploads) await expect(uploadRow(page, upload.filename).getByText('cancelled', { exact: true })).toBeVisible();
});

test('a reload in the middle of a slow bulk cancel shows its progress again', async ({ page, seed }) => {
  const tag = uniqueTag('bulk-slow');
  await Promise.all(Array.from({ length: 16 }, (_, i) => seed.pending(`${tag}-${i}`)));
  // Every cancel takes 1.5 s at OpenAI; eight at a time, sixteen take two rounds.
  await emulator.addFault({ operation: 'cancel', delay_ms: 1500, count: null });
  await openUploads(page, `?q=${tag}`);
  await expect(page.getByRole('row').filter({ hasText: tag }).first()).toBeVisible();

  await page.getByRole('checkbox', { name: 'Select all loaded uploads' }).check();
  await page.getByRole('region', { name: 'Selected uploads' }).getByRole('button', { name: 'Cancel 16' }).click();
  await page.getByRole('dialog', { name: 'Cancel 16 pending uploads?' }).getByRole('button', { name: 'Cancel 16 uploads' }).click();
  const status = page.getByRole('status', { name: 'Bulk cancel' });
  await expect(status).toContainText(/Cancelling… \d+ of 16/);

  await page.reload();
  await expect(status).toContainText(/Cancelling… \d+ of 16/);
  await expect(status.getByRole('progressbar', { name: 'Bulk cancel progress' })).toBeVisible();
  await expect(status).toContainText('16 cancelled', { timeout: 15_000 });
  // The top row, always in view (sixteen rows, taller once they turn stuck, can run past the fold of a virtualized list).
  await expect(page.getByRole('row').filter({ hasText: tag }).first().getByText('cancelled', { exact: true })).toBeVisible();
});
