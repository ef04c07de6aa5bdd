// The main flows on a phone (the "phone" project: 390 × 844, touch), by tapping: sign in, find a
// stuck upload, cancel one with undo, bulk cancel, the audit log. The page never scrolls sideways.
import type { Locator, Page } from '@playwright/test';
import { e2eEnv } from './support/e2e-env.ts';
import { expect, test } from './support/fixtures.ts';
import { expectNoSidewaysScroll } from './support/screen-check.ts';
import { openUploads, undoToast, uniqueTag, uploadRow } from './support/uploads-page.ts';

/** Wholly inside the viewport's width: nothing to scroll sideways to. */
async function expectOnScreen(page: Page, locator: Locator): Promise<void> {
  await expect(locator).toBeVisible();
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
}

test('an operator signs in with the token form', async ({ page }) => {
  await page.goto('/login');
  await expectNoSidewaysScroll(page, 'the login page');
  await page.getByLabel('Operator token').fill(e2eEnv.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).tap();
  await expect(page.getByRole('heading', { name: 'Uploads', level: 1 })).toBeVisible();
  await expectNoSidewaysScroll(page, 'the uploads list');
  // The header has folded its links, the operator and Log out into a menu.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).tap();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Uploads' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('banner').getByText('admin', { exact: true })).toBeVisible();
  await expectOnScreen(page, page.getByRole('button', { name: 'Log out' }));
  await page.keyboard.press('Escape');
  await expect(nav).toBeHidden();
});

test('a stuck upload reads as a card: status, filename, progress, expiry, the reason and Cancel, all on screen', async ({ page, seed }) => {
  const tag = uniqueTag('phone-stuck');
  const stuck = await seed.pending(`${tag}-stalled`);
  await page.waitForTimeout(e2eEnv.stuckAfterSeconds * 1000 + 1000);
  await openUploads(page, `?q=${tag}`);
  await page.getByRole('navigation', { name: 'Filter uploads by status' }).getByRole('link', { name: /Stuck/ }).tap();
  await expect(page).toHaveURL(/stuck=true/);

  const card = uploadRow(page, stuck.filename);
  await expectOnScreen(page, card);
  await expectOnScreen(page, card.getByText('pending', { exact: true }));
  await expectOnScreen(page, card.getByRole('link', { name: stuck.filename }));
  await expectOnScreen(page, card.getByRole('progressbar', { name: `Bytes received for ${stuck.filename}` }));
  await expectOnScreen(page, card.getByText(/expires in/));
  await expectOnScreen(page, card.getByText(/No part received since it was created/));
  await expectOnScreen(page, card.getByRole('button', { name: `Cancel ${stuck.filename}` }));
  await expectNoSidewaysScroll(page, 'the stuck view');
});

test('cancel one with a tap, undo it, then let it go', async ({ page, seed }) => {
  const upload = await seed.pending('phone-undo');
  await openUploads(page, `?q=${upload.filename}`);
  const card = uploadRow(page, upload.filename);
  const cancel = card.getByRole('button', { name: `Cancel ${upload.filename}` });

  await cancel.tap();
  await expect(card.getByText('cancelled', { exact: true })).toBeVisible();
  const toast = undoToast(page, upload.filename);
  await expectOnScreen(page, toast);
  await toast.getByRole('button', { name: 'Undo' }).tap();
  await expect(card.getByText('pending', { exact: true })).toBeVisible();

  const sent = page.waitForRequest((r) => r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: 10_000 });
  await cancel.tap();
  await sent;
  await expect(page.getByText(`Cancelled ${upload.filename}`)).toBeVisible();
  await expect(card.getByText('cancelled', { exact: true })).toBeVisible();
});

test('select by touch and bulk cancel; the dialog fits the screen', async ({ page, seed }) => {
  const tag = uniqueTag('phone-bulk');
  const uploads = await Promise.all(['a', 'b', 'c'].map((stem) => seed.pending(`${tag}-${stem}`)));
  await openUploads(page, `?q=${tag}`);
  for (const upload of uploads) await page.getByRole('checkbox', { name: `Select ${upload.filename}` }).tap();
  const bar = page.getByRole('region', { name: 'Selected uploads' });
  await expect(bar).toContainText('3 selected');
  await expectOnScreen(page, bar);
  // A second tap unticks, a third ticks again.
  await page.getByRole('checkbox', { name: `Select ${uploads[1]!.filename}` }).tap();
  await expect(bar).toContainText('2 selected');
  await page.getByRole('checkbox', { name: `Select ${uploads[1]!.filename}` }).tap();
  await expect(bar).toContainText('3 selected');

  await bar.getByRole('button', { name: 'Cancel 3' }).tap();
  const dialog = page.getByRole('dialog', { name: 'Cancel 3 pending uploads?' });
  await expectOnScreen(page, dialog);
  await expectOnScreen(page, dialog.getByRole('button', { name: 'Cancel 3 uploads' }));
  await dialog.getByLabel(/Reason/).fill('phone e2e');
  await dialog.getByRole('button', { name: 'Cancel 3 uploads' }).tap();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status', { name: 'Bulk cancel' })).toContainText('3 cancelled');
  for (const upload of uploads) await expect(uploadRow(page, upload.filename).getByText('cancelled', { exact: true })).toBeVisible();
  await expectNoSidewaysScroll(page, 'the list after a bulk cancel');
});

test('the audit log, reached through the menu, shows each entry as a card', async ({ page, seed }) => {
  const upload = await seed.pending('phone-audit');
  await openUploads(page);
  const cancelled = await page.request.post(`/api/uploads/${upload.id}/cancel`, {
    headers: { 'x-requested-with': 'uploads-console', 'content-type': 'application/json' },
    data: { reason: 'phone e2e' },
  });
  expect(cancelled.status()).toBe(200);

  await page.getByRole('button', { name: 'Menu' }).tap();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).tap();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  const entry = page.getByRole('row').filter({ has: page.getByRole('link', { name: upload.filename, exact: true }) });
  await expectOnScreen(page, entry);
  await expect(entry).toContainText('admin');
  await expect(entry).toContainText('phone e2e');
  await expectOnScreen(page, entry.getByText('cancelled', { exact: true }));
  await expectNoSidewaysScroll(page, 'the audit log');
});
