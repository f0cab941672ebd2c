import { sql, type Kysely } from 'kysely';
import { insertNextNumber } from '../store/conflicts.js';
import type { Database, ModelVersionsTable } from '../store/schema.js';
import type { Db } from './model-store.js';

export interface VersionKey {
  name: string;
  version: number;
}

/** SQL for model versions and their tags. */
export class VersionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts with the model's next version number (max + 1). Two concurrent registrations can
   * read the same max; the loser hits the primary key and tries again with a fresh max.
   */
  async insertNext(row: Omit<ModelVersionsTable, 'version'>, tags: Record<string, string>): Promise<number> {
    return insertNextNumber({
      attempts: 21,
      insert: () =>
        this.db.transaction().execute(async (trx) => {
          const { max } = await trx
            .selectFrom('model_versions')
            .select(sql<number | null>`max(version)`.as('max'))
            .where('name', '=', row.name)
            .executeTakeFirstOrThrow();
          const version = (max ?? 0) + 1;
          await trx.insertInto('model_versions').values({ ...row, version }).execute();
          const tagRows = Object.entries(tags).map(([key, value]) => ({ name: row.name, version, key, value }));
          if (tagRows.length > 0) await trx.insertInto('model_version_tags').values(tagRows).execute();
          await trx.updateTable('registered_models').set({ last_updated_time: row.creation_time }).where('name', '=', row.name).execute();
          return version;
        }),
    });
  }

  async get(name: string, version: number): Promise<ModelVersionsTable | undefined> {
    return this.db.selectFrom('model_versions').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
  }

  /** Rows for keys, in the order of the keys. */
  async getMany(keys: VersionKey[]): Promise<ModelVersionsTable[]> {
    if (keys.length === 0) return [];
    const names = [...new Set(keys.map((k) => k.name))];
    const rows = await this.db.selectFrom('model_versions').selectAll().where('name', 'in', names).execute();
    const byKey = new Map(rows.map((r) => [`${r.name}\u0000${r.version}`, r]));
    return keys.map((k) => byKey.get(`${k.name}\u0000${k.version}`)).filter((r) => r !== undefined);
  }

  async listFor(name: string): Promise<ModelVersionsTable[]> {
    return this.db.selectFrom('model_versions').selectAll().where('name', '=', name).orderBy('version', 'desc').execute();
  }

  /** The highest version in each stage that has one. */
  async latestPerStage(names: string[]): Promise<ModelVersionsTable[]> {
    if (names.length === 0) return [];
    return this.db
      .selectFrom('model_versions as v')
      .selectAll('v')
      .where('v.name', 'in', names)
      .where((eb) =>
        eb(
          'v.version',
          '=',
          eb
            .selectFrom('model_versions as w')
            .select(sql<number>`max(w.version)`.as('m'))
            .whereRef('w.name', '=', 'v.name')
            .whereRef('w.current_stage', '=', 'v.current_stage'),
        ),
      )
      .orderBy('v.name')
      .orderBy('v.version')
      .execute();
  }

  async tags(keys: VersionKey[]): Promise<Map<string, Record<string, string>>> {
    const result = new Map<string, Record<string, string>>(keys.map((k) => [`${k.name}/${k.version}`, {}]));
    if (keys.length === 0) return result;
    const names = [...new Set(keys.map((k) => k.name))];
    const rows = await this.db.selectFrom('model_version_tags').selectAll().where('name', 'in', names).orderBy('key').execute();
    for (const row of rows) {
      const tags = result.get(`${row.name}/${row.version}`);
      if (tags) tags[row.key] = row.value;
    }
    return result;
  }

  async update(key: VersionKey, changes: Partial<ModelVersionsTable>, db: Db = this.db): Promise<number> {
    const result = await db.updateTable('model_versions').set(changes).where('name', '=', key.name).where('version', '=', key.version).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Moves every other version of the model in `stage` to Archived. */
  async archiveOthers(key: VersionKey, stage: string, now: number, db: Db): Promise<void> {
    await db
      .updateTable('model_versions')
      .set({ current_stage: 'Archived', last_updated_time: now })
      .where('name', '=', key.name)
      .where('current_stage', '=', stage)
      .where('version', '<>', key.version)
      .execute();
  }

  async setTag(key: VersionKey, tag: string, value: string): Promise<void> {
    await this.db
      .insertInto('model_version_tags')
      // Only the key columns: the row handed in may be a whole version (source, stage…).
      .values({ name: key.name, version: key.version, key: tag, value })
      .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async deleteTag(key: VersionKey, tag: string): Promise<number> {
    const result = await this.db
      .deleteFrom('model_version_tags')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .where('key', '=', tag)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async delete(key: VersionKey, db: Db): Promise<void> {
    for (const table of ['model_version_tags', 'model_versions'] as const) {
      await db.deleteFrom(table).where('name', '=', key.name).where('version', '=', key.version).execute();
    }
  }
}
