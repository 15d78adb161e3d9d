// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Layering (../shared/DESIGN.md): core is pure Node; the renderer sees only core/api types. */
const coreZone = {
  files: ['core/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          { name: 'electron', message: 'core/ must not depend on Electron.' },
          { name: 'react', message: 'core/ must not depend on React.' },
          { name: 'react-dom', message: 'core/ must not depend on React.' },
          { name: 'zustand', message: 'core/ must not depend on the renderer state.' },
        ],
        patterns: [
          {
            group: ['**/electron/**', '../electron', '../../electron'],
            message: 'core/ must not import electron/ code.',
          },
          {
            group: ['**/renderer/**', '../renderer', '../../renderer'],
            message: 'core/ must not import renderer/ code.',
          },
        ],
      },
    ],
  },
};

const rendererZone = {
  files: ['renderer/**/*.{ts,tsx}'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'electron', message: 'The renderer talks to the WirelensApi only.' }],
        patterns: [
          {
            group: ['**/core/*', '!**/core/api', '!**/core/api/*', '**/electron/**'],
            message: 'The renderer may import core/api types only.',
          },
          { group: ['node:*'], message: 'No Node built-ins in the renderer.' },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.vite/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'bench/.cache/',
      // Scratch scripts (git-ignored).
      '.tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  coreZone,
  rendererZone,
);
