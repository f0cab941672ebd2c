import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { MlflowDatasetRecord } from './dataset-version.js';

/** SQL for `mlflow_datasets`: MLflow's digest and source of each data version ingest made. */
export class MlflowDatasetStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(record: MlflowDatasetRecord, now: number): Promise<void> {
    await this.db
      .insertInto('mlflow_datasets')
      .values({
        data_digest: record.dataDigest,
        mlflow_digest: record.mlflowDigest,
        name: record.name,
        source_type: record.sourceType,
        source: record.source,
        source_uri: record.sourceUri,
        source_name: record.sourceName,
        profile: record.profile,
        created_at: now,
      })
      .onConflict((oc) => oc.column('data_digest').doNothing())
      .execute();
  }

  /** Data versions whose MLflow digest, readable source or unversioned source is `id`. */
  async find(id: string, limit: number): Promise<MlflowDatasetRecord[]> {
    const rows = await this.db
      .selectFrom('mlflow_datasets')
      .selectAll()
      .where((eb) => eb.or([eb('mlflow_digest', '=', id), eb('source_uri', '=', id), eb('source_name', '=', id)]))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async byDataDigest(digests: readonly string[]): Promise<Map<string, MlflowDatasetRecord>> {
    if (digests.length === 0) return new Map();
    const rows = await this.db.selectFrom('mlflow_datasets').selectAll().where('data_digest', 'in', [...digests]).execute();
    return new Map(rows.map((r) => [r.data_digest, toRecord(r)]));
  }
}

function toRecord(r: Database['mlflow_datasets']): MlflowDatasetRecord {
  return {
    dataDigest: r.data_digest,
    mlflowDigest: r.mlflow_digest,
    name: r.name,
    sourceType: r.source_type,
    source: r.source,
    sourceUri: r.source_uri,
    sourceName: r.source_name,
    profile: r.profile,
  };
}
