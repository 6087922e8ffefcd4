import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Tests and scripts report to the terminal.
    files: ['test/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bench/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Plain scripts the browser loads as they are (service worker, waiting page).
    files: ['client/static/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        self: 'readonly',
        caches: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        Response: 'readonly',
        document: 'readonly',
        location: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The layering rule from docs/ARCHITECTURE.md: only server/media imports mediasoup,
    // and the protocol (shared with the browser) imports nothing of ours.
    files: ['signaling/**/*.ts', 'client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'mediasoup', message: 'only server/media may import mediasoup' }] },
      ],
    },
  },
  {
    files: ['signaling/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '../*', 'mediasoup*', 'socket.io*', 'fastify*', 'pino*'],
              message: 'signaling/protocol is a leaf: zod only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['signaling/rooms/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['mediasoup*', 'socket.io*', 'fastify*', 'ioredis*'],
              message: 'the rooms domain imports interfaces only',
            },
          ],
        },
      ],
    },
  },
  {
    // Browser code: `import { z }` keeps all of zod (its locales too) in the
    // bundle; a namespace import lets esbuild keep only what is used.
    files: ['client/**/*.ts', 'signaling/protocol/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "import * as z from 'zod' in code the browser loads",
        },
      ],
    },
  },
);
