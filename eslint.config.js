import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'demo-archive/', '.demo-data/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The agent runs as plain Node, as a service or from a shell, where Electron is absent.
    files: ['src-agent/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src-agent runs as plain Node; Electron belongs in src-main.' }],
          patterns: [
            { group: ['electron/*', '@electron/*'], message: 'src-agent runs as plain Node; Electron belongs in src-main.' },
            { group: ['**/src-main/**', '**/src-renderer/**', '**/test/**'], message: 'src-agent imports nothing from the app or the tests.' },
          ],
        },
      ],
    },
  },
);
