import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// What the dashboard's shipped code may import. Kept out of the first screen's JS: zod (answers are
// checked lightly, see src/lib/api-client.ts) and a direct sonner import (it loads after the first
// screen, through src/components/ui/toaster.tsx).
const dashboardImports = ({ sonner }) => ({
  paths: [
    { name: 'zod', message: 'zod stays out of the browser bundle: see src/lib/api-client.ts.' },
    ...(sonner ? [] : [{ name: 'sonner', allowTypeImports: true, message: 'Use src/components/ui/toaster.tsx: sonner loads after the first screen.' }]),
  ],
  patterns: [
    { group: ['#server/*', '**/server/**', '**/server'], message: 'src/ and server/ never import each other; share through contract/.' },
    {
      // The schema modules pull in zod: the dashboard takes only their types.
      group: ['#contract/uploads.ts', '#contract/dashboard-api.ts', '**/contract/uploads.ts', '**/contract/dashboard-api.ts'],
      allowTypeImports: true,
      message: 'Import only types from the zod schemas; runtime values come from contract/constants.ts.',
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'data', 'test-results', 'playwright-report', 'bench/results'] },
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
    // The dashboard runs in the browser only and never reaches into the server.
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', dashboardImports({ sonner: false })],
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
    files: ['server/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['#src/*', '**/src/**'], message: 'server/ never imports the dashboard; share through contract/.' }] }],
    },
  },
  {
    // contract/ is a leaf: it imports nothing from either side.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['#server/*', '#src/*', '**/server/**', '**/src/**'], message: 'contract/ is a leaf folder.' }] }],
    },
  },
);
