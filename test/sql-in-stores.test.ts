import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 15: "SQL lives in *-store.ts only; routes and commands never touch the database handle".
 * The project's own ESLint configuration is run on planted snippets under made-up paths, so the
 * rule is seen to fire where it must and to keep quiet in the store layer.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sqlRule = /SQL lives in \*-store\.ts \(issue 15\)/;
const handleRule = /Routes and commands never touch the database handle \(issue 15\)/;

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The messages of our two issue-15 rules for `code` as if it were the file at `file`. */
async function findings(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const query = `import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
export async function count(db: Kysely<Database>) {
  return db.selectFrom('events').select('id').execute();
}
`;
const rawSql = `import { sql } from 'kysely';
export const now = sql\`select 1\`;
`;
const inTransaction = `import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
export async function save(db: Kysely<Database>) {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('events').values({} as never).execute();
    await trx.updateTable('runs').set({ name: 'x' }).execute();
    await trx.deleteFrom('edges').execute();
  });
}
`;

describe('the "SQL lives in *-store.ts" rule', () => {
  it.each([
    ['a domain service', 'src/alerts/planted.ts', query, 1],
    ['an observer agent', 'src/observe/agents/planted.ts', rawSql, 1],
    ['a lineage module', 'src/lineage/planted.ts', inTransaction, 3],
    ['a store-like name that is not *-store.ts', 'src/tracking/store-planted.ts', query, 1],
  ])('fires in %s (%s)', async (_, file, code, count) => {
    const messages = await findings(file, code);
    expect(messages).toHaveLength(count);
    for (const m of messages) expect(m).toMatch(sqlRule);
  });

  it('names the kysely sql import, not only the queries it builds', async () => {
    const [message] = await findings('src/events/planted.ts', rawSql);
    expect(message).toMatch(/'sql' import from 'kysely' is restricted/);
  });

  it.each([
    ['a domain store', 'src/alerts/planted-store.ts', query],
    ['a nested domain store', 'src/observe/production/planted-store.ts', inTransaction],
    ['a store of sql fragments', 'src/registry/search-filter/planted-store.ts', rawSql],
    ['the store layer', 'src/store/planted.ts', rawSql],
    ['a test beside the code', 'src/observe/planted.test.ts', inTransaction],
  ])('keeps quiet in %s (%s)', async (_, file, code) => {
    expect(await findings(file, code)).toEqual([]);
  });

  it('lets domain code name the Kysely types and call a store', async () => {
    const code = `import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { EventStore } from '../events/event-store.js';
export const open = (db: Kysely<Database>) => new EventStore({ db } as never);
`;
    expect(await findings('src/alerts/planted.ts', code)).toEqual([]);
  });
});

describe('routes and commands never touch the database handle', () => {
  it.each([
    ['an HTTP route', 'src/api/routes/planted.ts'],
    ['an MLflow route', 'src/api/mlflow/planted.ts'],
    ['a CLI command', 'src/cli/commands/planted.ts'],
    ['the app context', 'src/context.ts'],
  ])('fires on store.db in %s', async (_, file) => {
    const code = `export const handle = (tl: { store: { db: unknown } }) => tl.store.db;\n`;
    const messages = await findings(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(handleRule);
  });

  it('fires on importing kysely in the shell, types included', async () => {
    const messages = await findings('src/api/routes/planted.ts', `import type { Kysely } from 'kysely';\nexport type Db = Kysely<never>;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(handleRule);
  });

  it('fires on a query in the shell with the SQL message', async () => {
    const code = `export const rows = (db: { selectFrom(t: string): unknown }) => db.selectFrom('images');\n`;
    const messages = await findings('src/cli/commands/planted.ts', code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(sqlRule);
  });

  it('keeps quiet when the shell passes the Store to a domain function', async () => {
    const code = `import { listObserverHealth } from '../../observe/state-store.js';\nexport const health = (tl: { store: never }) => listObserverHealth(tl.store);\n`;
    expect(await findings('src/cli/commands/planted.ts', code)).toEqual([]);
  });
});
