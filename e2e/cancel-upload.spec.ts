// Cancelling one upload from the list. The list holds each cancel back for a 5 s undo window
// (see undo-cancel.spec.ts), so answers here come at least that long after the click.
import { toFile } from 'openai';
import { e2eEnv } from './support/e2e-env.ts';
import { emulator, expect, screenshot, signIn, test } from './support/fixtures.ts';
import { openUploads, undoToast, uniqueTag, uploadRow } from './support/uploads-page.ts';

/** The undo window plus the emulator's fault delay plus the proxy's retries, with room to spare. */
const ANSWER_TIMEOUT = 20_000;

test('Cancel shows the row cancelled while its request is in flight, and it stays cancelled after reload', async ({ page, seed }) => {
  const upload = await seed.halfway('optimistic');
  // OpenAI (the emulator) holds its answer back: long enough to look at the row meanwhile.
  await emulator.addFault({ operation: 'cancel', delay_ms: 5000 });
  await signIn(page);
  const row = uploadRow(page, upload.filename);
  await expect(row.getByText('pending', { exact: true })).toBeVisible();

  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: ANSWER_TIMEOUT });
  let answered = false;
  const response = page
    .waitForResponse((r) => r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: ANSWER_TIMEOUT })
    .then((r) => {
      answered = true;
      return r;
    });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  // The undo window is over and the request has gone out: from here on only the request holds the row.
  await sent;
  await expect(undoToast(page, upload.filename)).toHaveCount(0);
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 1000 });
  await expect(row.getByRole('button', { name: `Cancel ${upload.filename}` })).toHaveAttribute('aria-disabled', 'true');
  await screenshot(page, 'cancel-in-flight');
  // Both the assertions and the screenshot saw the request still waiting for its answer.
  expect(answered).toBe(false);

  expect((await response).status()).toBe(200);
  await expect(page.getByText(`Cancelled ${upload.filename}`)).toBeVisible();
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  await page.reload();
  await expect(uploadRow(page, upload.filename).getByText('cancelled', { exact: true })).toBeVisible();
});

test('a cancel that fails rolls the row back and says why in the upstream’s words', async ({ page, seed }) => {
  const upload = await seed.pending('rate-limited');
  // The proxy retries a rate-limited cancel twice on its own: all three attempts are refused.
  await emulator.addFault({ operation: 'cancel', status: 429, delay_ms: 800, count: 3 });
  await signIn(page);
  const row = uploadRow(page, upload.filename);
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 700 });
  await expect(page.getByText(/Rate limit reached/)).toBeVisible({ timeout: ANSWER_TIMEOUT });
  await expect(row.getByText('pending', { exact: true })).toBeVisible();
  await screenshot(page, 'cancel-failed');
});

test('cancelling an upload that already finished elsewhere says so in OpenAI’s words, and the row shows what it became', async ({ page, seed }) => {
  const upload = await seed.pending('finished-elsewhere');
  // Cancelled straight at the emulator, behind the proxy's back: the console still thinks it pending.
  const direct = await fetch(`http://127.0.0.1:${e2eEnv.emulatorPort}/v1/uploads/${upload.id}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e2eEnv.emulatorKey}` },
  });
  expect(direct.status).toBe(200);
  await signIn(page);
  const row = uploadRow(page, upload.filename);
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(page.getByText("Cannot cancel upload with status 'cancelled'.")).toBeVisible({ timeout: ANSWER_TIMEOUT });
  // The console has learned from OpenAI's answer what became of the upload, and the row says so.
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  await page.reload();
  await expect(uploadRow(page, upload.filename).getByText('cancelled', { exact: true })).toBeVisible();
});

test('a network failure during cancel rolls back and says so', async ({ page, seed }) => {
  const upload = await seed.pending('network-down');
  await signIn(page);
  await page.route(`**/api/uploads/${upload.id}/cancel`, (route) => route.abort('connectionreset'));
  const row = uploadRow(page, upload.filename);
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await expect(page.getByText(/network/i).first()).toBeVisible({ timeout: ANSWER_TIMEOUT });
  await expect(row.getByText('pending', { exact: true })).toBeVisible();
});

test('a background refetch does not flip a row that is being cancelled back to pending', async ({ page, seed }) => {
  const upload = await seed.pending('refetch-race');
  await emulator.addFault({ operation: 'cancel', delay_ms: 9000 });
  // Without the live stream the list polls every 5 s: that poll is the race.
  await page.route('**/api/events', (route) => route.abort('connectionrefused'));
  await signIn(page);
  const row = uploadRow(page, upload.filename);
  const sent = page.waitForRequest((r) => r.url().endsWith(`/api/uploads/${upload.id}/cancel`), { timeout: ANSWER_TIMEOUT });
  await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
  await sent;
  // The server still says pending while OpenAI (the emulator) takes its time.
  await page.waitForResponse((r) => r.url().includes('/api/uploads?') && r.status() === 200, { timeout: 6500 });
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  await expect(row.getByText('pending', { exact: true })).toHaveCount(0);
});

test('a live event during a cancel does not flip the row back to pending either', async ({ page, seed, sdk }) => {
  const tag = uniqueTag('event-race');
  const racing = await seed.halfway(`${tag}-racing`);
  const bystander = await seed.halfway(`${tag}-bystander`);
  await emulator.addFault({ operation: 'cancel', delay_ms: 6000 });
  await openUploads(page, `?q=${tag}`);
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const row = uploadRow(page, racing.filename);
  const sent = page.waitForRequest((r) => r.url().endsWith(`/api/uploads/${racing.id}/cancel`), { timeout: ANSWER_TIMEOUT });
  await page.getByRole('button', { name: `Cancel ${racing.filename}` }).click();
  await sent;

  // A part lands on each upload while the cancel is in flight: the server announces both, pending.
  const part = async (id: string) => sdk.uploads.parts.create(id, { data: await toFile(Buffer.alloc(2048, 2), 'p1') });
  await Promise.all([part(racing.id), part(bystander.id)]);
  // The bystander takes its event (proof that events flow); the row being cancelled does not.
  await expect(uploadRow(page, bystander.filename).getByText('4.1 KB / 4.1 KB')).toBeVisible();
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  await expect(row.getByText('pending', { exact: true })).toHaveCount(0);
  await expect(page.getByText(`Cancelled ${racing.filename}`)).toBeVisible({ timeout: ANSWER_TIMEOUT });
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
});
