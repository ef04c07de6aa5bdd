import { expect, signIn, test } from './support/fixtures.ts';
import { checkScreen } from './support/screen-check.ts';

test('the list says how far back its history goes', async ({ page }, testInfo) => {
  await signIn(page);
  const note = page.getByText('History: last 30 days.');
  await expect(note).toBeVisible();
  await expect(note).toHaveAttribute('title', /leave the console 30 days after they finish/);
  await checkScreen(page, testInfo, 'uploads-history-window', { include: 'main' });
  // At a phone's width the note wraps under the heading, inside the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(note).toBeInViewport();
  await checkScreen(page, testInfo, 'uploads-history-window-narrow', { include: 'main' });
});
