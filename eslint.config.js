// @ts-check
// A small rule set (issue 15 point 6): rules that catch mistakes and keep `import type` honest, not style.
// `npm run lint` is syntactic (8.5 s on 2 cores); `npm run lint:typed` adds the type-aware
// no-floating-promises, which costs a whole TypeScript program (21.5 s): scripts/test.sh runs that one.
import tseslint from 'typescript-eslint';

const typed = process.env.THREADLINE_LINT_TYPED === '1';

const sqlMessage = 'SQL lives in *-store.ts (issue 15): move the query into the store of its domain and call that.';
/** Kysely's query builders: a call of one of these builds SQL. */
const queryBuilders = ['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto', 'selectNoFrom'];
/** Where SQL may live: the store layer, a domain's *-store.ts, and tests and their helpers (which plant rows). */
const sqlHomes = ['src/store/**', 'src/**/*-store.ts', 'src/**/*.test.ts', 'src/**/testing.ts'];
const queryBuilderCalls = queryBuilders.map((name) => ({ selector: `CallExpression > MemberExpression.callee[property.name='${name}']`, message: sqlMessage }));
/** The shell: HTTP routes, CLI commands, and the context that builds the services for them. */
const shellFiles = ['src/api/**/*.ts', 'src/cli/**/*.ts', 'src/context.ts', 'src/index.ts'];
const dbHandleMessage = 'Routes and commands never touch the database handle (issue 15): call a service, or pass the Store to the domain function.';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'web/dist/', 'coverage/', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: typed ? { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname } : {},
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      ...(typed ? { '@typescript-eslint/no-floating-promises': 'error' } : {}),
    },
  },
  {
    // Issue 15: SQL lives in *-store.ts (and src/store/); everything else asks a store.
    files: ['src/**/*.ts'],
    ignores: sqlHomes,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', importNames: ['sql'], message: sqlMessage }] }],
      'no-restricted-syntax': ['error', ...queryBuilderCalls],
    },
  },
  {
    // Issue 15: routes and commands never touch the database handle; they call services (src/context.ts builds them).
    files: shellFiles,
    ignores: sqlHomes,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', message: dbHandleMessage }] }],
      'no-restricted-syntax': ['error', ...queryBuilderCalls, { selector: "MemberExpression[property.name='db']", message: dbHandleMessage }],
    },
  },
  {
    // Migrations describe tables at the time they were written, not the typed schema of today (Kysely's advice).
    files: ['src/store/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
