import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { emptyDatabaseUrl, freshDatabaseUrl } from '../../test/dialects.js';
import { openStore } from './database.js';
import { databaseInputError } from './input-errors.js';

describe('statement timeout on postgres', () => {
  it('cancels a statement running past THREADLINE_STATEMENT_TIMEOUT_MS and says so as UNAVAILABLE', async () => {
    const store = await openStore(await freshDatabaseUrl('postgres'), { statementTimeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await sql`select pg_sleep(5)`.execute(store.db).then(() => undefined, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(error).toMatchObject({ code: '57014' });
      expect(databaseInputError(error)).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('cancel') });
      // The pool's other statements are unaffected.
      expect((await sql<{ one: number }>`select 1 as one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
    }
  });
});

describe.each(['sqlite', 'postgres'] as const)('database input errors on %s', (dialect) => {
  it('turns values the database refuses into INVALID_ARGUMENT, and leaves other errors alone', async () => {
    const store = await openStore(await emptyDatabaseUrl(dialect));
    try {
      const tooBig = dialect === 'postgres' ? sql`select cast(${'99999999999'} as integer)` : sql`select * from experiments limit ${'x'}`;
      const refused = await tooBig.execute(store.db).then(() => undefined, (e: unknown) => e);
      expect(databaseInputError(refused)).toMatchObject({ code: 'INVALID_ARGUMENT' });
      const missing = await sql`select * from no_such_table`.execute(store.db).then(() => undefined, (e: unknown) => e);
      expect(missing).toBeDefined();
      expect(databaseInputError(missing)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
