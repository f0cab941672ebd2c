import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openStore } from '../src/store/database.js';
import { repoRoot, testsUseDist } from './cli.js';
import { startPostgres, type PostgresServer } from './services/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    /** A migrated, empty database that test/dialects.ts copies for each fresh PostgreSQL store. */
    postgresTemplate: string;
  }
}

let postgres: PostgresServer | undefined;

/** One PostgreSQL server for the whole run; each test file makes its own database in it. */
export async function setup(project: TestProject): Promise<void> {
  if (testsUseDist) refuseStaleDist();
  postgres = await startPostgres();
  project.provide('postgresUrl', postgres.url);
  project.provide('postgresTemplate', await migratedTemplate(postgres.url));
}

export async function teardown(): Promise<void> {
  await postgres?.stop();
}

/**
 * Migrating a new PostgreSQL database costs a few hundred ms; copying a migrated one (CREATE
 * DATABASE … TEMPLATE) about a third of that. The migrations still run from empty here, every run,
 * so one that breaks fails the whole run at once.
 */
async function migratedTemplate(serverUrl: string): Promise<string> {
  const name = 'threadline_migrated';
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const store = await openStore(serverUrl.replace(/\/[^/]*$/, `/${name}`));
    await store.close();
    // A connection to the template would make every copy fail, so none is allowed.
    await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  } finally {
    await admin.end();
  }
  return name;
}

/** With THREADLINE_TEST_DIST=1 the CLI tests run dist/: a build older than src/ must not pass for it. */
function refuseStaleDist(): void {
  const src = path.join(repoRoot, 'src');
  const stale: string[] = [];
  for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
    const name = entry.name;
    // What tsconfig.build.json compiles: src/**/*.ts without tests and test helpers.
    if (!entry.isFile() || !name.endsWith('.ts') || name.endsWith('.d.ts') || name.endsWith('.test.ts') || name === 'testing.ts') continue;
    const source = path.join(entry.parentPath, name);
    const built = path.join(repoRoot, 'dist', path.relative(src, source)).replace(/\.ts$/, '.js');
    const builtAt = fs.statSync(built, { throwIfNoEntry: false })?.mtimeMs;
    if (builtAt === undefined || builtAt < fs.statSync(source).mtimeMs) stale.push(path.relative(repoRoot, source));
  }
  if (stale.length > 0) {
    throw new Error(
      `THREADLINE_TEST_DIST=1 but dist/ is older than ${stale.length} source file(s) (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}): ` +
        'run `npm run build` first, or unset THREADLINE_TEST_DIST to test src/ through tsx.',
    );
  }
}
