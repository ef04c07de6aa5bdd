import type { Page } from '@playwright/test';
import { emulator, expect, screenshot, signIn, test } from './support/fixtures.ts';

/** A cancel as a script would send it to /api, with the page's session cookie. */
function cancelThroughApi(page: Page, id: string) {
  return page.request.post(`/api/uploads/${id}/cancel`, {
    headers: { 'x-requested-with': 'uploads-console', 'content-type': 'application/json' },
    data: { reason: 'e2e cleanup' },
  });
}

test('an upload’s detail page tells its history in order, failed cancel attempts included', async ({ page, seed }) => {
  const upload = await seed.halfway('timeline');
  await signIn(page);
  const cancel = () => cancelThroughApi(page, upload.id);
  // A retry-after longer than the dashboard waits: the first attempt ends in OpenAI's 429.
  await emulator.addFault({ operation: 'cancel', status: 429, count: 1, retry_after: 30 });
  expect((await cancel()).status()).toBe(429);
  expect((await cancel()).status()).toBe(200);

  await page.goto(`/uploads/${upload.id}`);
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const events = timeline.getByRole('listitem');
  await expect(events).toHaveText([/^Created/, /^Part .* received/, /^Warning: Cancel by admin: it failed \(Rate limit reached/, /^Cancelled by admin/]);
  await expect(events.nth(2)).toHaveAttribute('data-kind', 'cancel_attempt');

  // Everything the page showed before is still there.
  await expect(page.getByRole('heading', { name: upload.filename })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Seen by the proxy' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Upload object as JSON' })).toBeVisible();
  await screenshot(page, 'upload-detail-timeline');
});

test('“See audit entries” opens the audit log filtered to the upload', async ({ page, seed }) => {
  const upload = await seed.pending('timeline-audit');
  await signIn(page);
  await emulator.addFault({ operation: 'cancel', status: 404, count: 1 });
  expect((await cancelThroughApi(page, upload.id)).status()).toBe(404);
  expect((await cancelThroughApi(page, upload.id)).status()).toBe(200);

  await page.goto(`/uploads/${upload.id}`);
  await page.getByRole('region', { name: 'Timeline' }).getByRole('link', { name: 'See audit entries' }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?upload_id=${upload.id}$`));
  await expect(page.getByLabel('Upload id')).toHaveValue(upload.id);
  // Newest first: the cancel that worked, then the one OpenAI refused.
  await expect(page.locator('tbody [data-outcome]')).toHaveText(['cancelled', 'not found']);
});
