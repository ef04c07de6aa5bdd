import { e2eEnv } from './support/e2e-env.ts';
import { expect, screenshot, test } from './support/fixtures.ts';

test('the login URL signs the operator in and removes the token from the address bar', async ({ page, seed }) => {
  const upload = await seed.pending('login-url');
  await page.goto(`/?token=${e2eEnv.adminToken}`);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('row').filter({ hasText: upload.filename })).toBeVisible();
  await expect(page.getByText('Emulator')).toBeVisible();
});

test('a wrong token lands on the login form, which signs in with the right one', async ({ page }) => {
  await page.goto('/?token=not-the-token');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Sign in to Uploads Console' })).toBeVisible();
  await screenshot(page, 'login');
  await page.getByLabel('Operator token').fill('still-wrong-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/not valid/i)).toBeVisible();
  await page.getByLabel('Operator token').fill(e2eEnv.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Filter uploads by status' })).toBeVisible();
});

test('without a session the dashboard asks the operator to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});
