// Every screen and state, on the desktop and on the phone (playwright.config.ts runs this spec in
// both projects), in light and dark: axe finds no serious or critical violation, the page never
// scrolls sideways, and a screenshot of each goes to e2e/screenshots/ for a person to look at.
import { e2eEnv } from './support/e2e-env.ts';
import { answerThroughTheNetwork, expect, test } from './support/fixtures.ts';
import { checkScreen, useScheme } from './support/screen-check.ts';
import { openUploads, undoToast, uniqueTag, uploadRow } from './support/uploads-page.ts';

// Each screen is checked twice (light, dark), each check an axe run and a full-page screenshot.
test.describe.configure({ timeout: 120_000 });

const EMPTY_LIST = { object: 'list', data: [], has_more: false, next_cursor: null, counts: { pending: 0, completed: 0, cancelled: 0, expired: 0, stuck: 0 } };

test('the login page', async ({ page }, testInfo) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in to Uploads Console' })).toBeVisible();
  await checkScreen(page, testInfo, 'login');
  // A refused token: the form's alert.
  await page.getByLabel('Operator token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/not valid/i);
  await checkScreen(page, testInfo, 'login-refused');
});

test('the list with every status, a stuck upload, the shortcuts, a selection and a cancel’s toast', async ({ page, seed }, testInfo) => {
  const tag = uniqueTag('a11y-list');
  const stuck = await seed.pending(`${tag}-stuck`);
  const halfway = await seed.halfway(`${tag}-halfway`);
  await seed.completed(`${tag}-completed`);
  await seed.cancelled(`${tag}-cancelled`);
  await seed.expired(`${tag}-expired`);
  await page.waitForTimeout(e2eEnv.stuckAfterSeconds * 1000 + 1000);
  await openUploads(page, `?q=${tag}`);
  await expect(uploadRow(page, stuck.filename).getByText(/No part received/)).toBeVisible();
  // The chart arrives after the first rows (its own chunk): wait for it, so it is checked too.
  await expect(page.getByRole('toolbar', { name: /^Uploads created per/ }).getByRole('button').first()).toBeVisible();
  await checkScreen(page, testInfo, 'list');

  if (testInfo.project.name === 'phone') {
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await checkScreen(page, testInfo, 'menu');
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  } else {
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expect(page.getByRole('region', { name: 'Keyboard shortcuts' })).toBeVisible();
    await checkScreen(page, testInfo, 'shortcuts');
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  }

  await page.getByRole('checkbox', { name: 'Select all loaded uploads' }).check();
  await expect(page.getByRole('region', { name: 'Selected uploads' })).toContainText('2 selected');
  await checkScreen(page, testInfo, 'selection');
  await page.getByRole('button', { name: 'Clear selection' }).click();

  // A toast lasts for the undo window (5 s) only, too short for a whole check in both schemes:
  // one cancel for each, and axe on the toasts alone (the page behind them was checked above).
  for (const [scheme, upload] of [
    ['light', stuck],
    ['dark', halfway],
  ] as const) {
    await useScheme(page, scheme);
    await page.getByRole('button', { name: `Cancel ${upload.filename}` }).click();
    await expect(undoToast(page, upload.filename)).toBeVisible();
    await checkScreen(page, testInfo, 'undo-toast', { schemes: [scheme], include: '[data-sonner-toaster]' });
  }
});

test('the list narrowed by a bar of the chart, with its chip and the bar’s tooltip', async ({ page, seed }, testInfo) => {
  const tag = uniqueTag('a11y-chart');
  await seed.pending(`${tag}-pending`);
  await seed.completed(`${tag}-completed`);
  await openUploads(page, `?q=${tag}`);
  const bars = page.getByRole('toolbar', { name: /^Uploads created per/ }).getByRole('button');
  // The newest bar: it holds the uploads just made (unless the hour turned in between; the screen is the same).
  await bars.last().click();
  await expect(page.getByRole('button', { name: /^Remove filter: Created / })).toBeVisible();
  await expect(bars.last()).toHaveAttribute('aria-pressed', 'true');
  // Back to the bar by keyboard: its tooltip opens (a click alone leaves it to the pointer).
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await expect(bars.last()).toBeFocused();
  await expect(page.getByRole('tooltip').filter({ hasText: 'Click to show every upload again' })).toBeVisible();
  await checkScreen(page, testInfo, 'chart-filtered');
});

test('the dialogs: cancel by id with its error, and the bulk confirmation', async ({ page, seed }, testInfo) => {
  const tag = uniqueTag('a11y-dialogs');
  const uploads = await Promise.all(['a', 'b'].map((stem) => seed.pending(`${tag}-${stem}`)));
  await openUploads(page, `?q=${tag}`);
  await expect(uploadRow(page, uploads[0]!.filename)).toBeVisible();

  await page.getByRole('button', { name: 'Cancel by id' }).click();
  const byId = page.getByRole('dialog', { name: 'Cancel an upload by id' });
  await byId.getByLabel('Upload id').fill('../etc');
  await byId.getByRole('button', { name: 'Cancel upload' }).click();
  await expect(byId.getByText('Upload ids look like upload_abc123')).toBeVisible();
  await checkScreen(page, testInfo, 'cancel-by-id');
  await byId.getByRole('button', { name: 'Close' }).click();
  await expect(byId).toBeHidden();

  await page.getByRole('checkbox', { name: 'Select all loaded uploads' }).check();
  await page.getByRole('region', { name: 'Selected uploads' }).getByRole('button', { name: 'Cancel 2' }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel 2 pending uploads?' });
  await expect(confirm.getByRole('button', { name: 'Cancel 2 uploads' })).toBeVisible();
  await checkScreen(page, testInfo, 'bulk-confirm');
  await confirm.getByRole('button', { name: 'Go back' }).click();
  await expect(confirm).toBeHidden();
});

test('the empty list, and the list while the server is unreachable or failing', async ({ page }, testInfo) => {
  await openUploads(page);
  await answerThroughTheNetwork(page);
  await page.route('**/api/uploads?*', (route) => route.fulfill({ json: EMPTY_LIST }));
  await page.goto('/');
  await expect(page.getByText('No uploads yet')).toBeVisible();
  await checkScreen(page, testInfo, 'empty');

  await page.unroute('**/api/uploads?*');
  await page.route('**/api/uploads?*', (route) => route.abort('connectionrefused'));
  await page.goto('/');
  await expect(page.getByText("Can't reach the Uploads Console server — retrying…")).toBeVisible();
  await checkScreen(page, testInfo, 'unreachable');

  await page.unroute('**/api/uploads?*');
  await page.route('**/api/uploads?*', (route) =>
    route.fulfill({ status: 400, json: { error: { message: 'Invalid cursor.', type: 'invalid_request_error', param: null, code: null } } }),
  );
  await page.goto('/');
  await expect(page.getByRole('alert').filter({ hasText: "Couldn't load uploads" })).toBeVisible();
  await checkScreen(page, testInfo, 'error');
});

test('an upload’s detail page', async ({ page, seed }, testInfo) => {
  const upload = await seed.halfway('a11y-detail');
  await openUploads(page);
  await page.goto(`/uploads/${upload.id}`);
  await expect(page.getByRole('heading', { name: upload.filename })).toBeVisible();
  await expect(page.getByRole('list', { name: /History of/ })).toBeVisible();
  await checkScreen(page, testInfo, 'detail');
});

test('the audit log', async ({ page, seed }, testInfo) => {
  const upload = await seed.pending('a11y-audit');
  await openUploads(page);
  const cancelled = await page.request.post(`/api/uploads/${upload.id}/cancel`, {
    headers: { 'x-requested-with': 'uploads-console', 'content-type': 'application/json' },
    data: { reason: 'e2e accessibility' },
  });
  expect(cancelled.status()).toBe(200);
  await page.goto('/audit');
  await expect(page.getByRole('link', { name: upload.filename, exact: true })).toBeVisible();
  await checkScreen(page, testInfo, 'audit');
});
