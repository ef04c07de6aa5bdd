// Playwright fixtures: each test arranges its own uploads through the proxy's /v1 pass-through
// with the official SDK (the same path real clients take), and cleans up the emulator's faults
// and clock after itself.
import { mkdirSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import OpenAI, { toFile } from 'openai';
import { e2eEnv } from './e2e-env.ts';

const emulatorOrigin = `http://127.0.0.1:${e2eEnv.emulatorPort}`;

export interface FaultRule {
  operation: 'create' | 'parts' | 'complete' | 'cancel' | 'any';
  status?: number;
  delay_ms?: number;
  reset?: boolean;
  count?: number | null;
  retry_after?: number;
  message?: string;
}

async function control(path: string, method: string, body?: unknown): Promise<void> {
  const res = await fetch(`${emulatorOrigin}/__emulator/${path}`, {
    method,
    headers: { authorization: `Bearer ${e2eEnv.emulatorKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${await res.text()}`);
}

export const emulator = {
  addFault: (rule: FaultRule) => control('faults', 'POST', rule),
  clearFaults: () => control('faults', 'DELETE'),
  setClockOffset: (seconds: number) => control('clock', 'POST', { offset_seconds: seconds }),
};

function uniqueName(stem: string): string {
  return `${stem}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.jsonl`;
}

export function makeSeeder(sdk: OpenAI) {
  const create = (stem: string, bytes = 4096) =>
    sdk.uploads.create({ filename: uniqueName(stem), purpose: 'batch', bytes, mime_type: 'application/jsonl' });
  return {
    pending: (stem = 'pending') => create(stem),
    /** A pending upload that has received one part of two. */
    halfway: async (stem = 'halfway') => {
      const upload = await create(stem, 4096);
      await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.alloc(2048, 1), 'p0') });
      return upload;
    },
    completed: async (stem = 'completed') => {
      const upload = await create(stem, 4096);
      const part = await sdk.uploads.parts.create(upload.id, { data: await toFile(Buffer.alloc(4096, 7), 'p0') });
      return sdk.uploads.complete(upload.id, { part_ids: [part.id] });
    },
    cancelled: async (stem = 'cancelled') => sdk.uploads.cancel((await create(stem)).id),
    /** Created two hours ago (the emulator's clock moved back), so it is past its hour. */
    expired: async (stem = 'expired') => {
      await emulator.setClockOffset(-2 * 3600);
      try {
        return await create(stem);
      } finally {
        await emulator.setClockOffset(0);
      }
    },
  };
}

export type Seeder = ReturnType<typeof makeSeeder>;

export async function signIn(page: Page): Promise<void> {
  await page.goto(`/?token=${e2eEnv.adminToken}`);
  await expect(page).not.toHaveURL(/token=/);
}

/**
 * For a test that arranges the dashboard's answers with page.route: the pages it opens from now
 * on carry none of their own. (A signed-in page holds its first answers, written in by the server,
 * server/routes/static-routes.ts; the test's routes would never see those requests.)
 */
export async function answerThroughTheNetwork(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return await route.fallback();
    const response = await route.fetch();
    const html = await response.text();
    await route.fulfill({ response, body: html.replace(/<script type="application\/json" id="uc-page-answers">[^<]*<\/script>/, '') });
  });
}

/** Saves a full-page (or just the viewport's) screenshot under e2e/screenshots/ for a person to look at. */
export async function screenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage, animations: 'disabled' });
}

export const test = base.extend<{ sdk: OpenAI; seed: Seeder }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  sdk: async ({}, use) => {
    await use(new OpenAI({ apiKey: e2eEnv.clientToken, baseURL: `http://127.0.0.1:${e2eEnv.port}/v1`, maxRetries: 0 }));
  },
  seed: async ({ sdk }, use) => {
    await use(makeSeeder(sdk));
  },
  page: async ({ page }, use) => {
    await use(page);
    // Leave the shared emulator as we found it for the next test.
    await emulator.clearFaults();
    await emulator.setClockOffset(0);
  },
});

export { expect };
