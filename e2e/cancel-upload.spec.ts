import { e2eEnv } from './support/e2e-env.ts';
import { emulator, expect, screenshot, signIn, test } from './support/fixtures.ts';

test('Cancel shows the row cancelled before the server answers, and it stays cancelled after reload', async ({ page, seed }) => {
  const upload = await seed.halfway('optimistic');
  await emulator.addFault({ operation: 'cancel', delay_ms: 3000 });
  await signIn(page);
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await expect(row.getByText('pending', { exact: true })).toBeVisible();

  let answered = false;
  const response = page.waitForResponse((r) => r.url().includes(`/api/uploads/${upload.id}/cancel`)).then((r) => {
    answered = true;
    return r;
  });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 1000 });
  expect(answered).toBe(false); // the server has not answered yet: this is the optimistic state
  await screenshot(page, 'cancel-in-flight');

  expect((await response).status()).toBe(200);
  await expect(page.getByText(`Cancelled ${upload.filename}`)).toBeVisible();
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: upload.filename }).getByText('cancelled', { exact: true })).toBeVisible();
});

test('a cancel that fails rolls the row back and says why in the upstream’s words', async ({ page, seed }) => {
  const upload = await seed.pending('rate-limited');
  await emulator.addFault({ operation: 'cancel', status: 429, delay_ms: 800 });
  await signIn(page);
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 700 });
  await expect(page.getByText(/Rate limit reached/)).toBeVisible();
  await expect(row.getByText('pending', { exact: true })).toBeVisible();
  await screenshot(page, 'cancel-failed');
});

test('cancelling an upload that already finished elsewhere rolls back with OpenAI’s message', async ({ page, seed }) => {
  const upload = await seed.pending('finished-elsewhere');
  // Cancelled straight at the emulator, behind the proxy's back: the console still thinks it pending.
  const direct = await fetch(`http://127.0.0.1:${e2eEnv.emulatorPort}/v1/uploads/${upload.id}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e2eEnv.emulatorKey}` },
  });
  expect(direct.status).toBe(200);
  await signIn(page);
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(page.getByText("Cannot cancel upload with status 'cancelled'.")).toBeVisible();
  await expect(row.getByText('pending', { exact: true })).toBeVisible();
});

test('a network failure during cancel rolls back and says so', async ({ page, seed }) => {
  const upload = await seed.pending('network-down');
  await signIn(page);
  await page.route(`**/api/uploads/${upload.id}/cancel`, (route) => route.abort('connectionreset'));
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(page.getByText(/network/i).first()).toBeVisible();
  await expect(row.getByText('pending', { exact: true })).toBeVisible();
});

test('a background refetch does not flip a row that is being cancelled back to pending', async ({ page, seed }) => {
  const upload = await seed.pending('refetch-race');
  await emulator.addFault({ operation: 'cancel', delay_ms: 7000 });
  await signIn(page);
  const row = page.getByRole('row').filter({ hasText: upload.filename });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  // The list refetches every 5 s and the server still says pending; the row must not flip.
  const refetched = page.waitForResponse((r) => r.url().includes('/api/uploads?') && r.status() === 200, { timeout: 6500 });
  await refetched;
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  await expect(row.getByText('pending', { exact: true })).toHaveCount(0);
});
