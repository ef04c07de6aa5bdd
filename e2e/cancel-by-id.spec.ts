import type { Page } from '@playwright/test';
import { e2eEnv } from './support/e2e-env.ts';
import { expect, screenshot, signIn, test } from './support/fixtures.ts';

interface EmulatedUpload {
  id: string;
  filename: string;
}

/** Created straight at the emulator, behind the proxy's back: the console has never seen it. */
async function createUnseenUpload(): Promise<EmulatedUpload> {
  const res = await fetch(`http://127.0.0.1:${e2eEnv.emulatorPort}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e2eEnv.emulatorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: `from-a-log-${Date.now()}.jsonl`, purpose: 'batch', bytes: 100, mime_type: 'application/jsonl' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as EmulatedUpload;
}

/** Signs in and waits until the list has answered, so a missing row means missing, not loading. */
async function openUploadsList(page: Page): Promise<void> {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Uploads', level: 1 })).toBeVisible();
  // Loaded: the table is no longer named "(loading)", or the list is empty. (The first page may come
  // inside the document, so there need not be any request to wait for.)
  await expect(page.getByRole('table', { name: 'Uploads', exact: true }).or(page.getByText('No uploads yet'))).toBeVisible();
}

function cancelByIdDialog(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Cancel an upload by id' });
  return {
    dialog,
    input: dialog.getByLabel('Upload id'),
    submit: dialog.getByRole('button', { name: 'Cancel upload' }),
  };
}

test('an upload the console has never seen is cancelled by its id and listed from then on', async ({ page }) => {
  const upload = await createUnseenUpload();
  await openUploadsList(page);
  await expect(page.getByRole('row').filter({ hasText: upload.id })).toHaveCount(0);

  const opener = page.getByRole('button', { name: 'Cancel by id' });
  await opener.click();
  const { dialog, input, submit } = cancelByIdDialog(page);
  await expect(dialog).toBeVisible();
  await expect(input).toBeFocused();
  // Pasted from a log, with the trailing space that came along.
  await input.fill(`${upload.id} `);
  await screenshot(page, 'cancel-by-id-dialog');

  const cancelled = page.waitForResponse((r) => r.url().endsWith(`/api/uploads/${upload.id}/cancel`));
  await submit.click();
  expect((await cancelled).status()).toBe(200);

  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await expect(page.getByText(`Cancelled ${upload.filename} (${upload.id})`)).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: upload.id });
  await expect(row.getByText('cancelled', { exact: true })).toBeVisible();
  await expect(row.getByText('seen via cancel', { exact: true })).toBeVisible();
});

test('an unknown id is refused in OpenAI’s words, and a malformed one is never sent', async ({ page }) => {
  const cancelRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('/cancel')) cancelRequests.push(request.url());
  });
  await openUploadsList(page);
  await page.getByRole('button', { name: 'Cancel by id' }).click();
  const { dialog, input, submit } = cancelByIdDialog(page);

  await input.fill('upload_doesnotexist123');
  await submit.click();
  await expect(dialog.getByRole('alert')).toContainText('No such Upload object: upload_doesnotexist123');
  await expect(dialog).toBeVisible();
  expect(cancelRequests).toHaveLength(1);

  await input.fill('../etc');
  await submit.click();
  await expect(dialog.getByText('Upload ids look like upload_abc123', { exact: true })).toBeVisible();
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toBeFocused();
  // Proving a request was not sent takes a moment: one sent on submit would have shown by now.
  await page.waitForTimeout(500);
  expect(cancelRequests).toHaveLength(1);
});

test('the dialog closes with Escape or Close and gives focus back to its opener', async ({ page }) => {
  await openUploadsList(page);
  const opener = page.getByRole('button', { name: 'Cancel by id' });
  const { dialog, input } = cancelByIdDialog(page);

  await opener.click();
  await expect(input).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await opener.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});
