import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-renderer/', 'dist-electron/', 'release/', 'node_modules/', 'coverage/', 'demo-archive/', 'sim-archive/', '.demo-data/', '.sim-app-data/', 'test-results/'] },
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
  {
    // The Electron main process. Only src-main/electron/ and the preload may import Electron;
    // everything else (the agent supervisor, say) is plain Node, so it runs and is tested
    // without Electron.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**', 'src-main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only files in src-main/electron/ may import Electron.' }],
          patterns: [
            { group: ['electron/*', '@electron/*'], message: 'Only files in src-main/electron/ may import Electron.' },
            { group: ['**/src-renderer/**', '**/test/**'], message: 'src-main imports nothing from the renderer or the tests.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-main/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src-renderer/**', '**/test/**'], message: 'src-main imports nothing from the renderer or the tests.' }] },
      ],
    },
  },
  {
    // The renderer runs in a sandboxed page: no Node, no Electron, and from the rest of the
    // repository only types (the IPC contract). Packages such as React and Fluent UI are fine.
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches main only through window.archiver.' },
            ...builtinModules.map((name) => ({ name, message: 'The renderer has no Node; ask main through window.archiver.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node; ask main through window.archiver.' },
            { group: ['electron/*', '@electron/*'], message: 'The renderer reaches main only through window.archiver.' },
            {
              group: ['**/src-main/**', '**/src-agent/**', '**/test/**', '**/scripts/**', '**/packaging/**'],
              allowTypeImports: true,
              message: 'The renderer imports only types from outside src-renderer (use import type).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'require', 'module', 'Buffer', 'global', '__dirname', '__filename'],
    },
  },
);
