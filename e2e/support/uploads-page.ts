// Helpers for the uploads list. The e2e store keeps every test's uploads, and the list is
// virtualized (only rows near the viewport are in the DOM), so a test narrows the list to its own
// uploads with a unique search tag instead of hoping they are on screen.
import type { Page } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { expect } from './fixtures.ts';

/** A tag no other test's filenames contain, to seed with and search for. */
export function uniqueTag(stem: string): string {
  return `${stem}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function uploadRow(page: Page, filename: string) {
  return page.getByRole('row').filter({ hasText: filename });
}

/** Signs in (as the operator, or as the read-only viewer) and opens the list at `search`. */
export async function openUploads(page: Page, search = '', { as = 'operator' }: { as?: 'operator' | 'viewer' } = {}): Promise<void> {
  const token = as === 'viewer' ? e2eEnv.viewerToken : e2eEnv.adminToken;
  await page.goto(`/?token=${token}`);
  await expect(page).not.toHaveURL(/token=/);
  if (search) await page.goto(`/${search.startsWith('?') ? search : `?${search}`}`);
  await expect(page.getByRole('heading', { name: 'Uploads', level: 1 })).toBeVisible();
}

/** The toast of a cancel waiting in its undo window. */
export function undoToast(page: Page, filename: string) {
  return page.getByRole('listitem').filter({ hasText: `Cancelling ${filename}…` });
}

/** Every /cancel request the page sends, as they go out. */
export function recordCancelRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/cancel')) seen.push(request.url());
  });
  return seen;
}
