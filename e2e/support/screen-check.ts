// One check for every screen and state the accessibility spec reaches, in both colour schemes:
// axe (no serious or critical violation, colour contrast included), the page no wider than the
// viewport (on the phone: 390 px, no sideways scrolling), and a screenshot for a person to look at.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import type { Result } from 'axe-core';
import { expect, screenshot } from './fixtures.ts';

export const SCHEMES = ['light', 'dark'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** Follows the system setting (no saved choice), as a first visit does. */
export async function useScheme(page: Page, scheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
  // Colours ease over 150 ms (transition-colors): let them arrive before anything reads them.
  await page.waitForTimeout(250);
}

function describe(violations: Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 5)
        .map((node) => `    ${node.target.join(' ')}\n      ${node.failureSummary?.replaceAll('\n', '\n      ') ?? ''}`)
        .join('\n');
      return `[${violation.impact}] ${violation.id}: ${violation.help} (${violation.nodes.length} nodes)\n${nodes}`;
    })
    .join('\n');
}

export async function expectNoSeriousViolations(page: Page, what: string, include?: string): Promise<void> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const results = await builder.analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => violation.id), `axe on ${what}:\n${describe(serious)}`).toEqual([]);
}

export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const width = page.viewportSize()!.width;
  const scrollWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
  expect(scrollWidth, `${what} is ${scrollWidth} px wide in a ${width} px viewport`).toBeLessThanOrEqual(width);
}

/** "phone" or "desktop": the Playwright project, as the screenshots are named. */
export function deviceOf(testInfo: TestInfo): 'phone' | 'desktop' {
  return testInfo.project.name === 'phone' ? 'phone' : 'desktop';
}

interface CheckOptions {
  /** Only these schemes (the screen cannot wait for both). */
  schemes?: readonly Scheme[];
  /** Only this part of the page goes through axe, and only the viewport is pictured (time is short). */
  include?: string;
}

/** Runs every check on the screen as it is now, in light and then in dark. */
export async function checkScreen(page: Page, testInfo: TestInfo, name: string, { schemes = SCHEMES, include }: CheckOptions = {}): Promise<void> {
  for (const scheme of schemes) {
    await useScheme(page, scheme);
    const what = `${name} (${testInfo.project.name}, ${scheme})`;
    await expectNoSeriousViolations(page, what, include);
    await expectNoSidewaysScroll(page, what);
    await screenshot(page, `${deviceOf(testInfo)}-${scheme}-${name}`, { fullPage: include === undefined });
  }
}
