// @ts-check
// A small rule set (issue 15 point 6): rules that catch mistakes and keep `import type` honest, not style.
// `npm run lint` is syntactic (about 12 s of CPU); `npm run lint:typed` adds the type-aware
// no-floating-promises, which costs a whole TypeScript program (about 45 s of CPU on this code).
import tseslint from 'typescript-eslint';

const typed = process.env.THREADLINE_LINT_TYPED === '1';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'web/dist/', 'coverage/', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
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
    // Migrations describe tables at the time they were written, not the typed schema of today (Kysely's advice).
    files: ['src/store/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Temporary: issue 15 point 1 types these tables in src/store/ and removes the `Kysely<any>`.
    files: ['src/alerts/store-metrics.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
