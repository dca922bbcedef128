// ESLint (flat config), run by `npm test` as `npm run lint`: the recommended JavaScript and typescript-eslint
// rules, and import cycles as errors (type-only imports, which vanish at run time, do not count).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', '.stryker-tmp/', 'test-output/', 'bench/results/', 'data/', '.polypay/', '.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': 'error',
      // a leading underscore marks what is unused on purpose (a destructured field left out, a required parameter)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // the gateway matches control characters on purpose (URL checks, the request log's redaction)
      'no-control-regex': 'off',
    },
  },
  {
    // the query builder's generic plumbing over tables named at run time, and the CLI printing the admin API's JSON
    files: ['src/store/**/*.ts', 'src/faces/*/store.ts', 'src/server/cli-admin.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // tests read providers' JSON answers of every shape
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
