import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

const postgresTests = ['server/**/postgres/**/*.test.ts', 'server/**/*.pg.test.ts'];

// The dashboard is built into dist/ and served by the proxy (one process, one port).
// In `npm run dev` the proxy serves the API and Vite serves the dashboard with HMR.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    // Everything the first screen needs in one file: by default Rolldown splits what the lazy pages
    // share with it into separate chunks, which index.html then loads side by side and which
    // compress apart (about 2.4 kB gz more, bench/weight.ts). Lazy pages stay their own chunks.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'initial', tags: ['$initial'] }] } } },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8787', '/v1': 'http://127.0.0.1:8787' },
  },
  test: {
    // One test file per core: the files wait on real servers, sockets and disks more than they
    // compute, so Vitest's default (a core less, one worker on a 2-core machine) left a core idle
    // (the whole suite: 530 s with one worker, 302 s with two on a 2-core machine).
    maxWorkers: availableParallelism(),
    // A guard against a hang, not a speed check (the bench measures speed). Vitest's 5 s failed tests
    // that take 2.5 s on a quiet 2-core machine once two files and .ci/run's background builds share
    // it: the first dashboard test to open a lazy dialog, which also pays for transforming it, and the
    // cancel tests that wait out three 700 ms upstream timeouts (3.2–4.8 s in that run).
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'contract/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...postgresTests],
          environment: 'node',
        },
      },
      {
        // Tests that need a PostgreSQL server: the global setup starts a throw-away cluster (or skips
        // them, in one line, when no server is installed; UC_REQUIRE_PG=1 fails instead).
        extends: true,
        test: { name: 'postgres', include: postgresTests, environment: 'node', globalSetup: ['server/test-support/postgres-global-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'dashboard',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['src/testing/setup.ts'],
        },
      },
    ],
  },
});
