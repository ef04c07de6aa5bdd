import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Imports go through the package.json aliases (#src/, #server/, #contract/) or stay in their own
// folder (./x): a ../ path breaks when either file moves, and hides which layer it reaches into.
const noParentImports = { regex: '^\\.\\.(/|$)', message: 'Import through #src/, #server/ or #contract/ (package.json "imports"), not ../.' };

// What the dashboard's shipped code may import. Kept out of the first screen's JS: zod (answers are
// checked lightly, see src/lib/api-client.ts) and a direct sonner import (it loads after the first
// screen, through src/components/ui/toaster.tsx).
const dashboardImports = ({ sonner }) => ({
  paths: [
    { name: 'zod', message: 'zod stays out of the browser bundle: see src/lib/api-client.ts.' },
    ...(sonner ? [] : [{ name: 'sonner', allowTypeImports: true, message: 'Use src/components/ui/toaster.tsx: sonner loads after the first screen.' }]),
  ],
  patterns: [
    noParentImports,
    { group: ['#server/*', '**/server/**', '**/server'], message: 'src/ and server/ never import each other; share through contract/.' },
    {
      // The schema modules pull in zod: the dashboard takes only their types.
      group: ['#contract/uploads.ts', '#contract/dashboard-api.ts', '**/contract/uploads.ts', '**/contract/dashboard-api.ts'],
      allowTypeImports: true,
      message: 'Import only types from the zod schemas; runtime values come from contract/constants.ts.',
    },
  ],
});

// The dashboard's layers (bulletproof-react): app → features → shared. A feature never imports
// another feature; what two features need lives in shared code. Read from the folder, so a new
// feature is fenced in without touching this file.
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const shared = ['./src/components', './src/config', './src/hooks', './src/lib', './src/testing'];
const layerZones = [
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'Features do not import each other: move what both need to src/components, src/lib or src/hooks.',
  })),
  { target: './src/features', from: './src/app', message: 'app/ composes the features; a feature never imports app/.' },
  { target: shared, from: ['./src/features', './src/app'], message: 'Shared code (components, config, hooks, lib, testing) imports no feature and no app code.' },
];

// process.env is read in the env modules only, each validating what it reads. The rest of the
// code is handed its configuration. Exceptions, one by one:
const envReaders = [
  'server/env.ts', // the server's env module (zod, every bad variable named)
  'server/emulator/main.ts', // the emulator's own entry point, run on its own
  'server/test-support/server-process.ts', // starts the real server as a child process, passing the environment on
  'server/test-support/postgres-cluster.ts', // where the test PostgreSQL binaries are (UC_PG_BIN, PATH)
  'server/test-support/postgres-global-setup.ts', // UC_REQUIRE_PG: CI fails instead of skipping the PostgreSQL tests
  'server/app.fuzz.test.ts', // FUZZ_RUNS: how long the fuzz test runs
  'e2e/support/e2e-env.ts', // the end-to-end tests' ports
  'playwright.config.ts', // test runner configuration (output folders, CI, the data folder its workers share)
  'bench/lib/console-server.ts', // the benchmark's server child process inherits the environment
  'server/test-support/replicas/processes.ts', // starts the emulator, replicas and nginx as children that inherit the environment; reads UC_REQUIRE_PG
  'clients/env.ts', // the official-clients runner: CI, toolchain paths, the environment handed to each client process
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'data', 'test-results', 'playwright-report', 'bench/results', 'bench/.cache', 'clients/**/.cache', '.cache', '.schemathesis'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // With noUncheckedIndexedAccess, `match[1]!` after a successful regex is the honest idiom.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Import graph rules. The TypeScript resolver follows package.json "imports" (#src/*, …), so
    // an alias counts as the file it names.
    files: ['**/*.{ts,tsx,js}'],
    plugins: { 'import-x': importX },
    settings: {
      // .ts/.tsx files parsed with the TypeScript parser when the rules follow an import into them.
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-imports': ['error', { patterns: [noParentImports] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in an env module (server/env.ts) and pass it in.' }],
    },
  },
  {
    files: envReaders,
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The dashboard runs in the browser only and never reaches into the server.
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, '@tanstack/query': pluginQuery },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...pluginQuery.configs['flat/recommended'][0].rules,
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', dashboardImports({ sonner: false })],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    // Tests reach sonner's module state directly (to clear toasts between tests).
    files: ['src/**/*.test.{ts,tsx}', 'src/testing/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', dashboardImports({ sonner: true })],
    },
  },
  {
    files: ['server/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'clients/**/*.ts', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noParentImports, { group: ['#src/*', '**/src/**'], message: 'server/ never imports the dashboard; share through contract/.' }] },
      ],
    },
  },
  {
    // contract/ is a leaf: it imports nothing from either side.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noParentImports, { group: ['#server/*', '#src/*', '**/server/**', '**/src/**'], message: 'contract/ is a leaf folder.' }] },
      ],
    },
  },
);
