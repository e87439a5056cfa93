// Flat config. Non type-aware on purpose: fast, and needs no tsconfig project service.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The kernel model and the userspace tools built on it must stay pure TypeScript:
// no UI framework, state library, graph or editor package may leak into them.
const UI_PACKAGES = [
  'react',
  'react/*',
  'react-dom',
  'react-dom/*',
  'zustand',
  'zustand/*',
  '@xyflow/*',
  'monaco-editor',
  'monaco-editor/*',
  '@monaco-editor/*',
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'blob-report/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Node-side code: configs, scripts, benches, e2e tests.
    files: ['*.{js,mjs,ts}', 'scripts/**', 'bench/**', 'e2e/**', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/editor/**/*.{ts,tsx}', 'src/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['src/kernel/**', 'src/libbpf/**', 'src/bpftool/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: UI_PACKAGES,
              message: 'src/kernel, src/libbpf and src/bpftool are a pure model: no UI, state, graph or editor packages.',
            },
          ],
        },
      ],
    },
  },
  {
    // Scenarios run in Node (the headless runner) as well as in the page: no React, DOM or editor.
    files: ['src/scenario/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['react', 'react-dom', 'react-dom/*', '@xyflow/*', 'monaco-editor', '@monaco-editor/*', '**/ui/**', '**/editor/**', '**/graph/**'], message: 'src/scenario is pure TypeScript: no React, DOM, graph or editor.' }] }],
    },
  },
);
