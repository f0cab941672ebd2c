import type { Kysely, Transaction } from 'kysely';
import type { Database, RegisteredModelsTable } from '../store/schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** SQL for registered models and their tags. */
export class ModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async insert(row: RegisteredModelsTable, tags: Record<string, string>): Promise<void> {
    await this.transaction(async (trx) => {
      await trx.insertInto('registered_models').values(row).execute();
      const rows = Object.entries(tags).map(([key, value]) => ({ name: row.name, key, value }));
      if (rows.length > 0) await trx.insertInto('registered_model_tags').values(rows).execute();
    });
  }

  async get(name: string, db: Db = this.db): Promise<RegisteredModelsTable | undefined> {
    return db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async getMany(names: string[]): Promise<RegisteredModelsTable[]> {
    if (names.length === 0) return [];
    return this.db.selectFrom('registered_models').selectAll().where('name', 'in', names).execute();
  }

  async tags(names: string[]): Promise<Map<string, Record<string, string>>> {
    const result = new Map<string, Record<string, string>>(names.map((n) => [n, {}]));
    if (names.length === 0) return result;
    const rows = await this.db.selectFrom('registered_model_tags').selectAll().where('name', 'in', names).orderBy('key').execute();
    for (const row of rows) result.get(row.name)![row.key] = row.value;
    return result;
  }

  async update(name: string, changes: Partial<RegisteredModelsTable>, db: Db = this.db): Promise<number> {
    const result = await db.updateTable('registered_models').set(changes).where('name', '=', name).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setTag(name: string, key: string, value: string, now: number): Promise<void> {
    await this.transaction(async (trx) => {
      await trx
        .insertInto('registered_model_tags')
        .values({ name, key, value })
        .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value }))
        .execute();
      await this.update(name, { last_updated_time: now }, trx);
    });
  }

  async deleteTag(name: string, key: string): Promise<number> {
    const result = await this.db.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Renames everywhere the name is a key, lineage ids and alias history included, so that the
   * model's past follows it. Fails with a unique violation when `to` exists.
   */
  async rename(from: string, to: string, now: number): Promise<void> {
    await this.transaction(async (trx) => {
      const model = await this.get(from, trx);
      await trx.insertInto('registered_models').values({ ...model!, name: to, last_updated_time: now }).execute();
      for (const table of ['registered_model_tags', 'model_versions', 'model_version_tags', 'registered_model_aliases', 'alias_history'] as const) {
        await trx.updateTable(table).set({ name: to }).where('name', '=', from).execute();
      }
      const versions = await trx.selectFrom('model_versions').select('version').where('name', '=', to).execute();
      for (const { version } of versions) {
        await trx
          .updateTable('edges')
          .set({ from_id: `${to}/${version}` })
          .where('from_type', '=', 'model_version')
          .where('from_id', '=', `${from}/${version}`)
          .execute();
      }
      await trx.deleteFrom('registered_models').where('name', '=', from).execute();
    });
  }

  /** Removes the model with its versions, tags and aliases; alias history stays. */
  async delete(name: string, db: Db): Promise<void> {
    for (const table of ['model_version_tags', 'model_versions', 'registered_model_aliases', 'registered_model_tags', 'registered_models'] as const) {
      await db.deleteFrom(table).where('name', '=', name).execute();
    }
  }
}
