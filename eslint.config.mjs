import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { architecture, PURE_CORES } from './eslint/architecture.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-tools/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs', 'scripts/**', 'tmp/**', 'apps/console/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Apps reach libs through their aliases only (house style).
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/libs/*', '../../libs/**'], message: 'Import libs through @lianjian/<lib>.' }] }],
    },
  },
  // The architecture (eslint/architecture.mjs): app and lib boundaries everywhere, pure cores pure.
  {
    files: ['**/*.ts'],
    plugins: { lianjian: architecture },
    rules: { 'lianjian/boundaries': 'error' },
  },
  {
    files: PURE_CORES,
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', 'libs/seed/src/seed-province.ts'],
    rules: { 'lianjian/pure-core': 'error' },
  },
  // The staff console (apps/console) runs in the browser.
  {
    files: ['apps/console/**/*.{ts,tsx,mts}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
