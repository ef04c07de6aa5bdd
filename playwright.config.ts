import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, defineConfig } from '@playwright/test';
import { e2eEnv } from './e2e/support/e2e-env.ts';

// Playwright cannot download browsers on our machines: use Debian's Chromium when present,
// Playwright's own elsewhere, and say exactly what to install when neither exists.
function chromiumExecutable(): string | undefined {
  const debian = '/usr/bin/chromium';
  if (existsSync(debian)) return debian;
  let bundled = '';
  try {
    bundled = chromium.executablePath();
  } catch {
    // no bundled browser registered
  }
  if (bundled && existsSync(bundled)) return undefined; // Playwright's own browser
  throw new Error(
    [
      'No Chromium found for the end-to-end tests.',
      '  On Debian/Ubuntu:   sudo apt-get install -y chromium     (provides /usr/bin/chromium)',
      '  Elsewhere:          npx playwright install chromium',
    ].join('\n'),
  );
}

const executablePath = chromiumExecutable();
const port = e2eEnv.port;
// Workers inherit the runner's environment, so every process sees the same data folder.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'uploads-console-e2e-'));


export default defineConfig({
  testDir: 'e2e',
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results/e2e',
  // One worker: tests share one emulator whose faults and clock are global.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: process.env.E2E_REPORT_DIR ?? 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    // The desktop: every spec but the phone's own.
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: /\.phone\.spec\.ts$/ },
    // A phone (390 × 844, touch): the main flows by touch, and every screen checked for fit and
    // accessibility in both colour schemes, as on the desktop.
    {
      name: 'phone',
      use: { browserName: 'chromium', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
      testMatch: [/\.phone\.spec\.ts$/, /accessibility\.spec\.ts$/],
    },
  ],
  webServer: {
    // The real server, as `npm start` runs it (the dashboard is built by `npm run test:e2e` first).
    command: 'npx tsx server/index.ts',
    url: `http://127.0.0.1:${port}/healthz`,
    // Another run's server on these ports would make this run test the wrong thing.
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(process.env.E2E_DATA_DIR, 'console.sqlite'),
      ADMIN_TOKEN: e2eEnv.adminToken,
      OPERATORS: `viewer:${e2eEnv.viewerToken}:read-only`,
      STUCK_AFTER_MINUTES: String(e2eEnv.stuckAfterSeconds / 60),
      CLIENT_TOKENS: `e2e:${e2eEnv.clientToken},e2e-bot:${e2eEnv.botClientToken}`,
      EMULATOR_PORT: String(e2eEnv.emulatorPort),
      EMULATOR_API_KEY: e2eEnv.emulatorKey,
      DEMO_DATA: 'false',
      UPSTREAM_TIMEOUT_MS: '10000',
      POLICY_INTERVAL_SECONDS: String(e2eEnv.policyIntervalSeconds),
    },
  },
});
