// The Policies page on a phone: reached through the menu, the list and the form with its preview
// fit 390 px, and pass axe in both schemes (screenshots in e2e/screenshots/).
import { expect, signIn, test } from './support/fixtures.ts';
import { evalsUpload, fillEvalsRule, removeAllPolicies } from './support/policies-page.ts';
import { checkScreen } from './support/screen-check.ts';
import { uniqueTag } from './support/uploads-page.ts';

test.describe.configure({ timeout: 90_000 });
test.afterEach(async ({ request }) => removeAllPolicies(request));

test('the policies page and the form with its preview, by touch', async ({ page, sdk }, testInfo) => {
  const tag = uniqueTag('phone-policy');
  const stale = await evalsUpload(sdk, `${tag}-stale.jsonl`, 30);
  await signIn(page);
  await page.getByRole('button', { name: 'Menu' }).tap();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies' }).tap();
  await expect(page.getByRole('heading', { name: 'Cleanup policies', level: 1 })).toBeVisible();
  // Paused, so the policy made here cancels nothing while the screens are checked.
  await page.getByRole('switch', { name: 'Pause all policies' }).tap();
  await expect(page.getByRole('switch', { name: 'Pause all policies' })).toHaveAttribute('aria-checked', 'true');
  await page.getByRole('button', { name: 'New policy' }).tap();
  await fillEvalsRule(page, `${tag} old evals`, 20);
  await expect(page.getByRole('dialog').getByRole('list', { name: 'Matching uploads' })).toContainText(stale.filename);
  await checkScreen(page, testInfo, 'policy-form');
  await page.getByRole('dialog').getByRole('button', { name: 'Create policy' }).tap();
  await expect(page.getByRole('article', { name: `${tag} old evals` })).toBeVisible();
  // The page itself, once the "Created" toast has gone.
  await expect(page.getByText(`Created ${tag} old evals`, { exact: true })).toBeHidden({ timeout: 10_000 });
  await checkScreen(page, testInfo, 'policies');
  // Not left for a later spec's policy to match.
  await sdk.uploads.cancel(stale.id);
});
