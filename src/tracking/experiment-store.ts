import type { Kysely } from 'kysely';
import type { Database, ExperimentsTable } from '../store/schema.js';
import type { Experiment, LifecycleStage } from './types.js';

/** SQL for experiments and their tags; no rules here, the service holds them. */
export class ExperimentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ExperimentsTable, tags: Record<string, string>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('experiments').values(row).execute();
      const tagRows = Object.entries(tags).map(([key, value]) => ({ experiment_id: row.experiment_id, key, value }));
      if (tagRows.length > 0) await trx.insertInto('experiment_tags').values(tagRows).execute();
    });
  }

  /** Ids are MLflow-style decimal strings, handed out in order. */
  async nextId(): Promise<string> {
    const rows = await this.db.selectFrom('experiments').select('experiment_id').execute();
    const max = rows.reduce((m, r) => Math.max(m, Number(r.experiment_id) || 0), 0);
    return String(max + 1);
  }

  async get(experimentId: string): Promise<Experiment | undefined> {
    const row = await this.db.selectFrom('experiments').selectAll().where('experiment_id', '=', experimentId).executeTakeFirst();
    return row && this.withTags(row);
  }

  async getByName(name: string): Promise<Experiment | undefined> {
    const row = await this.db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    return row && this.withTags(row);
  }

  async list(stage: LifecycleStage | 'all'): Promise<Experiment[]> {
    let query = this.db.selectFrom('experiments').selectAll().orderBy('creation_time', 'desc').orderBy('experiment_id', 'desc');
    if (stage !== 'all') query = query.where('lifecycle_stage', '=', stage);
    const rows = await query.execute();
    return Promise.all(rows.map((row) => this.withTags(row)));
  }

  async update(experimentId: string, changes: Partial<Pick<ExperimentsTable, 'name' | 'lifecycle_stage'>>, now: number): Promise<void> {
    await this.db
      .updateTable('experiments')
      .set({ ...changes, last_update_time: now })
      .where('experiment_id', '=', experimentId)
      .execute();
  }

  async setTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.db
      .insertInto('experiment_tags')
      .values({ experiment_id: experimentId, key, value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async deleteTag(experimentId: string, key: string): Promise<number> {
    const result = await this.db
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', experimentId)
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async withTags(row: ExperimentsTable): Promise<Experiment> {
    const tags = await this.db.selectFrom('experiment_tags').select(['key', 'value']).where('experiment_id', '=', row.experiment_id).execute();
    return {
      experimentId: row.experiment_id,
      name: row.name,
      artifactLocation: row.artifact_location,
      lifecycleStage: row.lifecycle_stage as LifecycleStage,
      creationTime: row.creation_time,
      lastUpdateTime: row.last_update_time,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    };
  }
}
