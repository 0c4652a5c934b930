import tseslint from 'typescript-eslint';

/**
 * The layers, as relative imports out of a folder of src/: `(../)+<folder>/`. The surfaces (api, web, cli)
 * are peers that import downward only: what several use sits in http/ (HTTP helpers, request schemas),
 * services/ (starters) or the domain; the process entry points and the app composition sit in server/ and
 * the src root, above them all.
 */
const into = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;
/** A domain room with an index.ts is entered through it (the rooms without one are imported module by module). */
const throughIndex = {
  regex: '(^|/)domain/(accounts|articles|dashboard|ingredients|live|models|schedules|templates|webhooks)/(?!index\\.js$)[a-z-]+\\.js$',
  message: 'This domain folder has an index.ts: import from its index.js.',
};
const layer = (files, folders, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: into(...folders), message }, throughIndex] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'migrations/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', { patterns: [throughIndex] }] } },
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
            { regex: into('web', 'cli', 'http', 'services', 'server'), message: 'Workflow code imports only the workflow SDK, its own folder and src/shared.' },
          ],
        },
      ],
    },
  },
  layer(['src/domain/**/*.ts'], ['api', 'web', 'cli', 'http', 'services', 'server', 'temporal', 'activities', 'workflows'], 'The domain is plain functions over a db handle: it imports no surface, no Temporal code and nothing above it.'),
  layer(['src/api/**/*.ts'], ['web', 'cli', 'server'], 'The API is a peer of the console and the CLI: share through src/http, src/services or the domain.'),
  layer(['src/web/**/*.{ts,tsx}'], ['api', 'cli', 'server'], 'The console is a peer of the API and the CLI: share through src/http, src/services or the domain.'),
  layer(['src/cli/**/*.ts'], ['api', 'web', 'server', 'http', 'services'], 'The CLI is a client of the API over HTTP: it shares only the domain and src/shared with the server.'),
  layer(['src/http/**/*.ts', 'src/services/**/*.ts'], ['api', 'web', 'cli', 'server'], 'src/http and src/services sit below the surfaces that share them.'),
);
