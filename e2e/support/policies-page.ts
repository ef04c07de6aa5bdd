// The Policies page, for its specs: uploads only a test's own policy matches, the form, cleanup.
import type { APIRequestContext, Page } from '@playwright/test';
import type OpenAI from 'openai';
import { e2eEnv } from './e2e-env.ts';
import { emulator, expect } from './fixtures.ts';

const asOperator = { authorization: `Bearer ${e2eEnv.adminToken}`, 'content-type': 'application/json' };

/**
 * An `evals` upload created `ageMinutes` ago (the emulator's clock moved back while it is made):
 * no other spec makes evals uploads that old, so a policy on purpose evals and age matches only these.
 */
export async function evalsUpload(sdk: OpenAI, filename: string, ageMinutes = 0) {
  if (ageMinutes > 0) await emulator.setClockOffset(-ageMinutes * 60);
  try {
    return await sdk.uploads.create({ filename, purpose: 'evals', bytes: 4096, mime_type: 'application/jsonl' });
  } finally {
    if (ageMinutes > 0) await emulator.setClockOffset(0);
  }
}

export async function openPolicies(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies' }).click();
  await expect(page.getByRole('heading', { name: 'Cleanup policies', level: 1 })).toBeVisible();
}

/** The card of one policy. */
export function policyCard(page: Page, name: string) {
  return page.getByRole('article', { name });
}

/** Fills the New policy form: not stuck, older than `olderThan` minutes, purpose evals. */
export async function fillEvalsRule(page: Page, name: string, olderThan: number): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('checkbox', { name: 'Stuck' }).uncheck();
  await dialog.getByLabel('Older than (minutes)').fill(String(olderThan));
  await dialog.getByLabel('Purpose').fill('evals');
}

export async function uploadStatus(request: APIRequestContext, id: string): Promise<string> {
  const res = await request.get(`/api/uploads/${id}`, { headers: asOperator });
  return ((await res.json()) as { status: string }).status;
}

/** Leaves no policy behind and every policy unpaused: later specs' uploads are none of ours. */
export async function removeAllPolicies(request: APIRequestContext): Promise<void> {
  const list = (await (await request.get('/api/policies', { headers: asOperator })).json()) as { data: { id: string }[] };
  for (const policy of list.data) await request.delete(`/api/policies/${policy.id}`, { headers: asOperator });
  await request.put('/api/policies/pause', { headers: asOperator, data: { paused: false } });
}
