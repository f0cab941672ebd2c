import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

/**
 * Everything in the store, as one digest: what a refused request must leave as it found it. A
 * token's last use is left out (authenticating a request touches it; that is not a change).
 */
export async function storeDigest(db: Kysely<Database>): Promise<string> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !name.startsWith('kysely_')).sort();
  const hash = createHash('sha256');
  for (const table of tables) {
    const rows = (await (db as unknown as Kysely<Record<string, Record<string, unknown>>>).selectFrom(table).selectAll().execute()).map((row) => {
      const { last_used_at: _ignored, ...rest } = row;
      return JSON.stringify(rest, Object.keys(rest).sort());
    });
    hash.update(`${table}\n${rows.sort().join('\n')}\n`);
  }
  return hash.digest('hex');
}
