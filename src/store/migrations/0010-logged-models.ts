import type { Kysely } from 'kysely';

/**
 * MLflow 3's LoggedModels: a model logged by a run (or alone) with its own files, params, tags
 * and the metrics logged against it; which runs output or read it; and the model id on model
 * versions registered from `models:/<model_id>`. Files are an artifact manifest (path → blob).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logged_models')
    // `m-` + 32 hex, as MLflow makes them.
    .addColumn('model_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(500)', (c) => c.notNull())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    // LOGGED_MODEL_PENDING | LOGGED_MODEL_READY | LOGGED_MODEL_UPLOAD_FAILED
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('model_type', 'varchar(500)')
    .addColumn('source_run_id', 'varchar(32)')
    // sha256 manifest of its files, set when it is finalized READY.
    .addColumn('artifact_digest', 'varchar(80)')
    .addColumn('environment_digest', 'varchar(80)')
    .execute();
  await db.schema.createIndex('logged_models_experiment').on('logged_models').columns(['experiment_id', 'creation_time']).execute();
  await db.schema.createIndex('logged_models_run').on('logged_models').column('source_run_id').execute();

  for (const table of ['logged_model_tags', 'logged_model_params']) {
    await db.schema
      .createTable(table)
      .addColumn('model_id', 'varchar(64)', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['model_id', 'key'])
      .execute();
  }

  await db.schema
    .createTable('logged_model_files')
    .addColumn('model_id', 'varchar(64)', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
    .addColumn('path', 'varchar(1000)', (c) => c.notNull())
    .addColumn('digest', 'varchar(80)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('media_type', 'varchar(255)')
    .addPrimaryKeyConstraint('logged_model_files_pk', ['model_id', 'path'])
    .execute();

  // Metrics a run logged with a model_id, as MLflow keeps them beside the run's own series.
  await db.schema
    .createTable('logged_model_metrics')
    .addColumn('model_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    // '' when the metric names no dataset: part of the key, and NULLs do not compare equal.
    .addColumn('dataset_name', 'varchar(500)', (c) => c.notNull())
    .addColumn('dataset_digest', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('logged_model_metrics_pk', ['model_id', 'run_id', 'key', 'timestamp', 'step', 'dataset_name', 'dataset_digest'])
    .execute();
  await db.schema.createIndex('logged_model_metrics_run_key').on('logged_model_metrics').columns(['run_id', 'key']).execute();

  // runs/outputs (direction output, with the step) and model inputs of runs/log-inputs.
  await db.schema
    .createTable('run_models')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('model_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('direction', 'varchar(8)', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_models_pk', ['run_id', 'model_id', 'direction'])
    .execute();

  await db.schema.alterTable('model_versions').addColumn('model_id', 'varchar(64)').execute();
}
