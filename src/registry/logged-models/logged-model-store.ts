import type { Kysely, Transaction } from 'kysely';
import type { Database, LoggedModelMetricsTable, LoggedModelsTable } from '../../store/schema.js';
import type { LoggedModelFile, RunModelLink } from './types.js';

type KeyValue = { key: string; value: string };

/** SQL for logged models, their params, tags, files, metrics and run links. */
export class LoggedModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: LoggedModelsTable, params: KeyValue[], tags: KeyValue[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('logged_models').values(row).execute();
      await this.insertParams(trx, row.model_id, params);
      await upsertTags(trx, row.model_id, tags);
    });
  }

  get(modelId: string): Promise<LoggedModelsTable | undefined> {
    return this.db.selectFrom('logged_models').selectAll().where('model_id', '=', modelId).executeTakeFirst();
  }

  /** `prefix` is `m-` and hex only (the resolver checks), so LIKE has no wildcard to escape. */
  async idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('logged_models').select('model_id').where('model_id', 'like', `${prefix}%`).orderBy('model_id').limit(limit).execute();
    return rows.map((r) => r.model_id);
  }

  async getMany(modelIds: readonly string[]): Promise<LoggedModelsTable[]> {
    if (modelIds.length === 0) return [];
    return this.db.selectFrom('logged_models').selectAll().where('model_id', 'in', [...modelIds]).execute();
  }

  async update(modelId: string, changes: Partial<LoggedModelsTable>): Promise<void> {
    await this.db.updateTable('logged_models').set(changes).where('model_id', '=', modelId).execute();
  }

  /** The params already logged under these keys, to refuse a changed value as MLflow's primary key does. */
  async paramsFor(modelId: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.selectFrom('logged_model_params').select(['key', 'value']).where('model_id', '=', modelId).where('key', 'in', [...keys]).execute();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async insertParams(db: Kysely<Database> | Transaction<Database>, modelId: string, params: KeyValue[]): Promise<void> {
    if (params.length === 0) return;
    await db.insertInto('logged_model_params').values(params.map((p) => ({ model_id: modelId, ...p }))).onConflict((oc) => oc.doNothing()).execute();
  }

  setTags(modelId: string, tags: KeyValue[]): Promise<void> {
    return upsertTags(this.db, modelId, tags);
  }

  async deleteTag(modelId: string, key: string): Promise<number> {
    const result = await this.db.deleteFrom('logged_model_tags').where('model_id', '=', modelId).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async putFile(modelId: string, file: LoggedModelFile): Promise<void> {
    const row = { model_id: modelId, path: file.path, digest: file.digest, size: file.size, media_type: file.mediaType };
    await this.db
      .insertInto('logged_model_files')
      .values(row)
      .onConflict((oc) => oc.columns(['model_id', 'path']).doUpdateSet({ digest: file.digest, size: file.size, media_type: file.mediaType }))
      .execute();
  }

  /** Removes the file at `path`, or every file under the folder `path`. */
  async removeFiles(modelId: string, path: string): Promise<number> {
    // Matched here, not with LIKE: SQLite's LIKE ignores case and both treat `_` and `%` as wildcards.
    const paths = (await this.db.selectFrom('logged_model_files').select('path').where('model_id', '=', modelId).execute())
      .map((r) => r.path)
      .filter((p) => p === path || p.startsWith(`${path}/`));
    if (paths.length === 0) return 0;
    await this.db.deleteFrom('logged_model_files').where('model_id', '=', modelId).where('path', 'in', paths).execute();
    return paths.length;
  }

  async insertMetrics(rows: LoggedModelMetricsTable[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('logged_model_metrics').values(rows).onConflict((oc) => oc.doNothing()).execute();
  }

  /** The model-linked rows of one run's metric, for get-history. */
  metricsOfRun(runId: string, key: string): Promise<LoggedModelMetricsTable[]> {
    return this.db.selectFrom('logged_model_metrics').selectAll().where('run_id', '=', runId).where('key', '=', key).execute();
  }

  async addRunModels(runId: string, links: RunModelLink[]): Promise<void> {
    if (links.length === 0) return;
    await this.db
      .insertInto('run_models')
      .values(links.map((l) => ({ run_id: runId, model_id: l.modelId, direction: l.direction, step: l.step })))
      .onConflict((oc) => oc.columns(['run_id', 'model_id', 'direction']).doUpdateSet((eb) => ({ step: eb.ref('excluded.step') })))
      .execute();
  }

  async runModels(runIds: readonly string[]): Promise<Map<string, RunModelLink[]>> {
    const out = new Map<string, RunModelLink[]>();
    if (runIds.length === 0) return out;
    const rows = await this.db.selectFrom('run_models').selectAll().where('run_id', 'in', [...runIds]).orderBy('model_id').execute();
    for (const r of rows) out.set(r.run_id, [...(out.get(r.run_id) ?? []), { modelId: r.model_id, direction: r.direction, step: r.step }]);
    return out;
  }

  /** Params, tags, files, metrics and registrations of many models at once. */
  async children(modelIds: readonly string[]) {
    const ids = [...modelIds];
    if (ids.length === 0) return { params: [], tags: [], files: [], metrics: [], versions: [] };
    const [params, tags, files, metrics, versions] = await Promise.all([
      this.db.selectFrom('logged_model_params').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
      this.db.selectFrom('logged_model_tags').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
      this.db.selectFrom('logged_model_files').selectAll().where('model_id', 'in', ids).orderBy('path').execute(),
      this.db.selectFrom('logged_model_metrics').selectAll().where('model_id', 'in', ids).orderBy('key').orderBy('timestamp').orderBy('step').execute(),
      this.db.selectFrom('model_versions').select(['model_id', 'name', 'version']).where('model_id', 'in', ids).orderBy('name').orderBy('version').execute(),
    ]);
    return { params, tags, files, metrics, versions };
  }
}

async function upsertTags(db: Kysely<Database> | Transaction<Database>, modelId: string, tags: KeyValue[]): Promise<void> {
  // The last value of a key wins, as in MLflow's merge; one row per key in a single insert.
  const byKey = new Map(tags.map((t) => [t.key, t.value]));
  if (byKey.size === 0) return;
  await db
    .insertInto('logged_model_tags')
    .values([...byKey].map(([key, value]) => ({ model_id: modelId, key, value })))
    .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}
