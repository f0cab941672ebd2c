import type { Kysely } from 'kysely';
import { newUuid } from '../ids.js';
import type { Database } from '../store/schema.js';
import type { Db } from './model-store.js';
import type { AliasMove, ModelAlias } from './types.js';

/** SQL for aliases and their audit trail: every change writes a history row in the same transaction. */
export class AliasStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string, alias: string, db: Db = this.db): Promise<number | undefined> {
    const row = await db.selectFrom('registered_model_aliases').select('version').where('name', '=', name).where('alias', '=', alias).executeTakeFirst();
    return row?.version;
  }

  async forModels(names: string[]): Promise<Map<string, ModelAlias[]>> {
    const result = new Map<string, ModelAlias[]>(names.map((n) => [n, []]));
    if (names.length === 0) return result;
    const rows = await this.db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute();
    for (const row of rows) result.get(row.name)?.push({ alias: row.alias, version: row.version });
    return result;
  }

  /** Points `alias` at `version`; returns the version it pointed at before, if any. */
  async set(name: string, alias: string, version: number, actor: string, now: number): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockModel(trx, name, now);
      const previous = (await this.get(name, alias, trx)) ?? null;
      if (previous === version) return previous;
      await trx
        .insertInto('registered_model_aliases')
        .values({ name, alias, version })
        .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version }))
        .execute();
      await this.record(trx, { name, alias, fromVersion: previous, toVersion: version, actor });
      return previous;
    });
  }

  /** Removes the aliases of `name` (only those on `version` when given), recording each removal. */
  async remove(db: Db, name: string, actor: string, now: number, filter: { alias?: string; version?: number } = {}): Promise<number> {
    await this.lockModel(db, name, now);
    let query = db.selectFrom('registered_model_aliases').selectAll().where('name', '=', name);
    if (filter.alias !== undefined) query = query.where('alias', '=', filter.alias);
    if (filter.version !== undefined) query = query.where('version', '=', filter.version);
    const rows = await query.execute();
    for (const row of rows) {
      await db.deleteFrom('registered_model_aliases').where('name', '=', name).where('alias', '=', row.alias).execute();
      await this.record(db, { name, alias: row.alias, fromVersion: row.version, toVersion: null, actor });
    }
    return rows.length;
  }

  async history(name: string): Promise<AliasMove[]> {
    const rows = await this.db.selectFrom('alias_history').selectAll().where('name', '=', name).orderBy('id').execute();
    return rows.map((r) => ({ name: r.name, alias: r.alias, fromVersion: r.from_version, toVersion: r.to_version, actor: r.actor, time: r.time }));
  }

  /**
   * Touching the model's row first makes PostgreSQL hold its row lock until commit, so concurrent
   * moves of one model's aliases queue up and each history row sees the true previous version.
   * (SQLite runs one write transaction at a time anyway.)
   */
  private async lockModel(db: Db, name: string, now: number): Promise<void> {
    await db.updateTable('registered_models').set({ last_updated_time: now }).where('name', '=', name).execute();
  }

  /**
   * The row's id is a UUIDv7 and its time are taken here, after the model's lock, so that both
   * follow the order in which moves really happened (history is read in id order).
   */
  private async record(db: Db, move: Omit<AliasMove, 'time'>): Promise<void> {
    const id = newUuid();
    await db
      .insertInto('alias_history')
      .values({ id, name: move.name, alias: move.alias, from_version: move.fromVersion, to_version: move.toVersion, actor: move.actor, time: Date.now() })
      .execute();
  }
}
