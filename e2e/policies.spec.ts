// Cleanup policies in the dashboard: a rule written from its preview cancels what the preview
// showed within one interval, audited under its name; one switch pauses every policy; a read-only
// operator sees it all and changes nothing. Each screen is checked with axe in both schemes.
import { e2eEnv } from './support/e2e-env.ts';
import { expect, signIn, test } from './support/fixtures.ts';
import { evalsUpload, fillEvalsRule, openPolicies, policyCard, removeAllPolicies, uploadStatus } from './support/policies-page.ts';
import { checkScreen } from './support/screen-check.ts';
import { uniqueTag } from './support/uploads-page.ts';

test.describe.configure({ timeout: 90_000 });
test.afterEach(async ({ request }) => removeAllPolicies(request));

/** Long enough for a round to come and its bulk job to finish. */
const WITHIN_AN_INTERVAL = (e2eEnv.policyIntervalSeconds + 6) * 1000;

test('an operator writes a policy from its preview: the uploads it showed are cancelled within one interval, under its name, and no other', async ({ page, sdk }, testInfo) => {
  const tag = uniqueTag('policy');
  const stale = [await evalsUpload(sdk, `${tag}-stale-1.jsonl`, 30), await evalsUpload(sdk, `${tag}-stale-2.jsonl`, 30)];
  const fresh = await evalsUpload(sdk, `${tag}-fresh.jsonl`);
  const name = `${tag} old evals`;

  await signIn(page);
  await openPolicies(page);
  await expect(page.getByText('No policies yet')).toBeVisible();
  await page.getByRole('button', { name: 'New policy' }).click();
  const dialog = page.getByRole('dialog', { name: 'New cleanup policy' });
  await fillEvalsRule(page, name, 20);

  const preview = dialog.getByRole('region', { name: /Would cancel/ });
  await expect(preview.getByRole('heading')).toHaveText('Would cancel 2 pending uploads now');
  const matching = preview.getByRole('list', { name: 'Matching uploads' });
  for (const upload of stale) await expect(matching).toContainText(upload.filename);
  await expect(matching).not.toContainText(fresh.filename);
  await checkScreen(page, testInfo, 'policy-form');

  await dialog.getByRole('button', { name: 'Create policy' }).click();
  await expect(dialog).toBeHidden();
  const card = policyCard(page, name);
  await expect(card).toContainText('Cancel pending uploads: older than 20 min, purpose evals');

  // Within one interval the run has come and gone: the page shows what it did.
  await expect(async () => {
    await page.reload();
    await expect(card.getByText('2 matched · 2 cancelled')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: WITHIN_AN_INTERVAL });
  for (const upload of stale) expect(await uploadStatus(page.request, upload.id)).toBe('cancelled');
  expect(await uploadStatus(page.request, fresh.id)).toBe('pending');
  await expect(page.getByRole('region', { name: 'Changes' })).toContainText(`admin created ${name}`);
  await checkScreen(page, testInfo, 'policies');

  // What it cancelled: the audit log, filtered to the policy.
  await card.getByRole('link', { name: /What it cancelled/ }).click();
  await expect(page).toHaveURL(/\/audit\?/);
  for (const upload of stale) await expect(page.getByRole('row').filter({ hasText: upload.filename })).toContainText(name);
  await expect(page.getByRole('row').filter({ hasText: fresh.filename })).toHaveCount(0);

  // One run's cancels: the audit log filtered to its job.
  await openPolicies(page);
  await card.getByRole('link', { name: /Cancels of the run in bulk_/ }).click();
  await expect(page).toHaveURL(/job_id=bulk_/);
  for (const upload of stale) await expect(page.getByRole('row').filter({ hasText: upload.filename })).toBeVisible();

  // Deleted, after saying so.
  await openPolicies(page);
  await card.getByRole('button', { name: `Delete ${name}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete ${name}?` });
  await expect(confirm).toContainText('stays in the audit log');
  await confirm.getByRole('button', { name: 'Delete policy' }).click();
  await expect(card).toHaveCount(0);
});

test('one switch pauses every policy: nothing runs while it is on, it stays on after a reload, and switching it off lets them run', async ({ page, sdk }, testInfo) => {
  const tag = uniqueTag('pause');
  const stale = await evalsUpload(sdk, `${tag}-stale.jsonl`, 30);
  await signIn(page);
  await openPolicies(page);
  const pause = page.getByRole('switch', { name: 'Pause all policies' });
  await expect(pause).toHaveAttribute('aria-checked', 'false');
  await pause.click();
  await expect(pause).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByText('Paused: no policy runs until this is switched off.')).toBeVisible();

  await page.getByRole('button', { name: 'New policy' }).click();
  await fillEvalsRule(page, `${tag} while paused`, 20);
  await expect(page.getByRole('dialog').getByRole('list', { name: 'Matching uploads' })).toContainText(stale.filename);
  await page.getByRole('dialog').getByRole('button', { name: 'Create policy' }).click();
  await expect(policyCard(page, `${tag} while paused`)).toBeVisible();

  // Two rounds go by: still pending. The switch is kept by the server.
  await page.waitForTimeout(e2eEnv.policyIntervalSeconds * 2 * 1000 + 500);
  expect(await uploadStatus(page.request, stale.id)).toBe('pending');
  await page.reload();
  await expect(pause).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('region', { name: 'Changes' })).toContainText('admin paused every policy');
  await checkScreen(page, testInfo, 'policies-paused');

  await pause.click();
  await expect(pause).toHaveAttribute('aria-checked', 'false');
  await expect.poll(() => uploadStatus(page.request, stale.id), { timeout: WITHIN_AN_INTERVAL }).toBe('cancelled');
});

test('a read-only operator sees the policies and every control, disabled with the reason', async ({ page, request }) => {
  const tag = uniqueTag('viewer-policy');
  const made = await request.post('/api/policies', {
    headers: { authorization: `Bearer ${e2eEnv.adminToken}` },
    data: { name: `${tag} disabled`, stuck: true, purpose: 'evals', enabled: false },
  });
  expect(made.status()).toBe(201);
  await page.goto(`/?token=${e2eEnv.viewerToken}`);
  await expect(page).not.toHaveURL(/token=/);
  await openPolicies(page);
  const card = policyCard(page, `${tag} disabled`);
  await expect(card).toContainText('Disabled');
  for (const button of [page.getByRole('button', { name: 'New policy' }), card.getByRole('button', { name: /^(Enable|Edit|Delete) / }).first(), page.getByRole('switch', { name: 'Pause all policies' })]) {
    await expect(button).toHaveAttribute('aria-disabled', 'true');
  }
  await page.getByRole('button', { name: 'New policy' }).focus();
  await expect(page.getByRole('tooltip').filter({ hasText: 'Your access is read-only' }).first()).toBeVisible();
  await page.getByRole('button', { name: 'New policy' }).click({ force: true });
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // The server refuses too.
  const refused = await page.request.put('/api/policies/pause', { headers: { 'x-requested-with': 'uploads-console' }, data: { paused: true } });
  expect(refused.status()).toBe(403);
});
