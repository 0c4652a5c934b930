import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'migrations/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The determinism boundary: workflow code may import only @temporalio/workflow, @temporalio/common,
    // its own folder, shared constants and types.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'http', 'https', 'net', 'child_process'], message: 'Node built-ins are not deterministic: use an activity.' },
            { group: ['postgres', 'drizzle-orm', 'drizzle-orm/*', 'pino'], message: 'No I/O in workflow code: use an activity.' },
            { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker'], message: 'Workflow code imports only @temporalio/workflow and @temporalio/common.' },
            { group: ['../activities/*', '../db/*', '../domain/*', '../llm/*', '../api/*', '../temporal/*'], message: 'Workflow code may import only types from there (import type).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
