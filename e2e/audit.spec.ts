import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { e2eEnv } from './support/e2e-env.ts';
import { emulator, expect, screenshot, signIn, test } from './support/fixtures.ts';

/** A cancel as a script would send it to /api, with the page's session cookie. */
function cancelThroughApi(page: Page, id: string, reason: string) {
  return page.request.post(`/api/uploads/${id}/cancel`, {
    headers: { 'x-requested-with': 'uploads-console', 'content-type': 'application/json' },
    data: { reason },
  });
}

/** Opens the audit log and waits for its first answer, so a missing row means missing, not loading. */
async function openAuditLog(page: Page, search = ''): Promise<void> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/audit' && r.status() === 200);
  await page.goto(`/audit${search}`);
  await answered;
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
}

function auditRow(page: Page, filename: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name: filename, exact: true }) });
}

test('the audit log lists operator, failed and SDK cancels with who, outcome and reason', async ({ page, seed, sdk }) => {
  const byOperator = await seed.pending('audit-operator');
  const refused = await seed.halfway('audit-refused');
  const bySdk = await seed.pending('audit-sdk');
  await signIn(page);

  expect((await cancelThroughApi(page, byOperator.id, 'e2e cleanup')).status()).toBe(200);
  await emulator.addFault({ operation: 'cancel', status: 404, count: 1 });
  expect((await cancelThroughApi(page, refused.id, 'e2e cleanup')).status()).toBe(404);
  await sdk.uploads.cancel(bySdk.id);

  await openAuditLog(page);

  const operatorRow = auditRow(page, byOperator.filename);
  await expect(operatorRow).toContainText('admin');
  await expect(operatorRow).toContainText('Row cancel');
  await expect(operatorRow.getByText('cancelled', { exact: true })).toBeVisible();
  await expect(operatorRow.getByText('pending', { exact: true })).toBeVisible();
  await expect(operatorRow).toContainText('e2e cleanup');

  const refusedRow = auditRow(page, refused.filename);
  await expect(refusedRow).toContainText('admin');
  await expect(refusedRow.getByText('not found', { exact: true })).toBeVisible();
  await expect(refusedRow).toContainText('404');
  await expect(refusedRow).toContainText('e2e cleanup');
  // OpenAI's own words (here, the emulator's default for an injected 404).
  await expect(refusedRow).toContainText('Not found.');

  const sdkRow = auditRow(page, bySdk.filename);
  await expect(sdkRow.getByTitle('client:e2e')).toContainText('e2e');
  await expect(sdkRow.getByText('SDK client', { exact: true })).toHaveCount(2); // the actor's tag, and the source
  await expect(sdkRow.getByText('cancelled', { exact: true })).toBeVisible();
  await expect(sdkRow.getByRole('button', { name: /^Copy request id / })).toBeVisible();

  // Newest first.
  await expect(page.getByRole('row').nth(1)).toContainText(bySdk.filename);
  await screenshot(page, 'audit');
});

test('filtering by outcome narrows the log and is kept in the URL', async ({ page, seed }) => {
  const cancelled = await seed.pending('audit-filter-ok');
  const refused = await seed.pending('audit-filter-404');
  await signIn(page);
  expect((await cancelThroughApi(page, cancelled.id, 'e2e cleanup')).status()).toBe(200);
  await emulator.addFault({ operation: 'cancel', status: 404, count: 1 });
  expect((await cancelThroughApi(page, refused.id, 'e2e cleanup')).status()).toBe(404);

  await openAuditLog(page);
  await expect(auditRow(page, cancelled.filename)).toBeVisible();
  await expect(auditRow(page, refused.filename)).toBeVisible();

  await page.getByLabel('Outcome').selectOption({ label: 'not found' });
  await expect(page).toHaveURL(/\/audit\?outcome=not_found$/);
  await expect(auditRow(page, cancelled.filename)).toHaveCount(0);
  await expect(auditRow(page, refused.filename)).toBeVisible();
  const outcomes = page.locator('tbody [data-outcome]');
  await expect(outcomes.first()).toBeVisible();
  for (const outcome of await outcomes.allTextContents()) expect(outcome).toBe('not found');

  // The URL alone brings the same view back.
  await page.reload();
  await expect(page.getByLabel('Outcome')).toHaveValue('not_found');
  await expect(auditRow(page, refused.filename)).toBeVisible();
  await expect(auditRow(page, cancelled.filename)).toHaveCount(0);
});

test('Export CSV downloads the entries matching the filters', async ({ page, seed }) => {
  const upload = await seed.pending('audit-export');
  const reason = `e2e cleanup ${Date.now().toString(36)}`;
  await signIn(page);
  expect((await cancelThroughApi(page, upload.id, reason)).status()).toBe(200);

  await openAuditLog(page);
  await page.getByLabel('Upload id').fill(upload.id);
  await page.getByLabel('Upload id').press('Enter');
  await expect(page).toHaveURL(new RegExp(`upload_id=${upload.id}$`));
  await expect(page.getByRole('row')).toHaveCount(2); // the header and this upload's one entry

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Export CSV/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^uploads-console-audit-.*\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toMatch(/^id,at,actor,action,source,upload_id,/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(upload.id);
  expect(lines[1]).toContain(reason);
});

test('the header leads to the audit log and marks where the operator is', async ({ page }) => {
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Uploads' })).toHaveAttribute('aria-current', 'page');

  await nav.getByRole('link', { name: 'Audit' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Uploads' })).not.toHaveAttribute('aria-current', /.*/);
});

test('a read-only operator sees a Read-only badge beside their name', async ({ page }) => {
  await page.goto(`/?token=${e2eEnv.viewerToken}`);
  await expect(page).not.toHaveURL(/token=/);
  const banner = page.getByRole('banner');
  await expect(banner.getByText('viewer', { exact: true })).toBeVisible();
  await expect(banner.getByText('Read-only', { exact: true })).toBeVisible();
});
