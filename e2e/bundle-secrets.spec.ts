// Security: the OpenAI key and every token live only on the server. The production
// bundle (built by `npm run test:e2e` before this runs) is searched for them, and the page runs
// under a Content-Security-Policy that allows no inline script.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { e2eEnv } from './support/e2e-env.ts';
import { expect, signIn, test } from './support/fixtures.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('the built dashboard holds no key, no token and no server configuration', () => {
  const built = files('dist');
  expect(built.some((f) => f.endsWith('.js'))).toBe(true);
  for (const file of built) {
    const text = readFileSync(file, 'utf8');
    for (const secret of [e2eEnv.emulatorKey, e2eEnv.adminToken, e2eEnv.clientToken, e2eEnv.viewerToken]) expect(text, file).not.toContain(secret);
    expect(text, file).not.toMatch(/sk-[A-Za-z0-9_-]{20,}/);
    expect(text, file).not.toContain('OPENAI_API_KEY');
    expect(text, file).not.toContain('ADMIN_TOKEN');
  }
});

test('the page runs under a strict Content-Security-Policy without violating it', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto('/login');
  const csp = response!.headers()['content-security-policy']!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response!.headers()['x-content-type-options']).toBe('nosniff');
  await signIn(page);
  await expect(page.getByRole('navigation', { name: 'Filter uploads by status' })).toBeVisible();
  expect(violations).toEqual([]);
});
