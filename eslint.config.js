// @ts-check
// A small rule set (issue 15 point 6): rules that catch mistakes and keep `import type` honest, not style.
// `npm run lint` is syntactic (8.5 s on 2 cores); `npm run lint:typed` adds the type-aware
// no-floating-promises, which costs a whole TypeScript program (21.5 s): scripts/test.sh runs that one.
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
);
