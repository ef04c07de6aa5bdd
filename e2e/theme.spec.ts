// Dark mode: it follows the system until the operator picks light or dark, the pick survives a
// reload, and it is applied before the dashboard's own script has run (no flash of light).
import { expect, signIn, test } from './support/fixtures.ts';

const pageBackground = (page: import('@playwright/test').Page) => page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor);

test('the scheme follows the system, then the toggle, which is kept across reloads', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');

  const theme = page.getByRole('group', { name: 'Theme' });
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
  await theme.getByRole('radio', { name: 'Dark' }).check({ force: true });
  await expect(html).toHaveAttribute('data-theme', 'dark');
  // The system says light; the operator said dark.
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Dark' })).toBeChecked();

  await page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'System' }).check({ force: true });
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('the saved scheme is applied before the dashboard’s script runs', async ({ page }) => {
  await signIn(page);
  const light = await pageBackground(page);
  await page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).check({ force: true });
  const dark = await pageBackground(page);
  expect(dark).not.toBe(light);

  // Without the app's JavaScript at all, only the blocking theme script in <head> and the CSS.
  await page.route('**/assets/*.js', (route) => route.abort());
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await pageBackground(page)).toBe(dark);
  await expect(page.locator('#root')).toBeEmpty();
});
