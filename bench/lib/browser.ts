// Chromium for the benchmarks, chosen as playwright.config.ts chooses it for the e2e tests:
// Debian's (/usr/bin/chromium) when present, Playwright's own otherwise.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type ChromiumChoice = { executablePath: string | undefined; label: string } | { problem: string };

export function findChromium(): ChromiumChoice {
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, label: `Debian Chromium (${DEBIAN_CHROMIUM})` };
  let bundled = '';
  try {
    bundled = chromium.executablePath();
  } catch {
    // no bundled browser registered
  }
  if (bundled && existsSync(bundled)) return { executablePath: undefined, label: "Playwright's Chromium" };
  return { problem: `no Chromium: install Debian's (sudo apt-get install -y chromium) or Playwright's (npx playwright install chromium)` };
}

export async function launchChromium(choice: Exclude<ChromiumChoice, { problem: string }>): Promise<Browser> {
  return await chromium.launch({ headless: true, args: ARGS, ...(choice.executablePath ? { executablePath: choice.executablePath } : {}) });
}
