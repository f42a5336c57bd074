import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**', 'src/deck/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  // The layers: data flows one way, and each rule of the domain lives in src/core, pure.
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '**/ui/**', '**/cli/**', '**/export/**', '**/session/**'],
              message: 'src/core is pure: it imports nothing from the store, ui, cli or export.',
            },
          ],
          paths: [
            { name: 'node:fs', message: 'src/core reads no file: the store does.' },
            { name: 'fs', message: 'src/core reads no file: the store does.' },
            { name: 'node:fs/promises', message: 'src/core reads no file: the store does.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '**/cli/**'],
              message:
                'src/ui renders a session (src/session/types.ts); it imports no store or cli code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/export/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '**/ui/**', '**/cli/**'],
              message:
                'the exporter takes the collection through the command (the store owns its files).',
            },
          ],
        },
      ],
    },
  },
);
