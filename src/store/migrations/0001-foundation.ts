import type { Kysely } from 'kysely';

/** Experiments, runs and what they ran on: code, data, environment, blobs and lineage edges. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(500)', (c) => c.notNull().unique())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', 'varchar(64)', (c) => c.notNull().references('experiments.experiment_id'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('run_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'varchar(64)', (c) => c.notNull().references('experiments.experiment_id'))
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('lifecycle_stage', 'varchar(20)', (c) => c.notNull())
    .addColumn('deleted_time', 'bigint')
    .addColumn('artifact_uri', 'text', (c) => c.notNull())
    .addColumn('command', 'text')
    .addColumn('working_dir', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('code_version_id', 'varchar(80)')
    .addColumn('environment_digest', 'varchar(80)')
    .execute();
  await db.schema.createIndex('runs_experiment_start').on('runs').columns(['experiment_id', 'start_time']).execute();

  await db.schema
    .createTable('params')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('params_pk', ['run_id', 'key'])
    .execute();

  for (const table of ['metrics', 'latest_metrics']) {
    let builder = db.schema
      .createTable(table)
      .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull());
    builder =
      table === 'metrics'
        ? builder.addPrimaryKeyConstraint('metrics_pk', ['run_id', 'key', 'timestamp', 'step', 'value'])
        : builder.addPrimaryKeyConstraint('latest_metrics_pk', ['run_id', 'key']);
    await builder.execute();
  }
  await db.schema.createIndex('latest_metrics_key_value').on('latest_metrics').columns(['key', 'value']).execute();

  await db.schema
    .createTable('run_tags')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_tags_pk', ['run_id', 'key'])
    .execute();

  await db.schema
    .createTable('run_io')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
    .addColumn('direction', 'varchar(8)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ref', 'varchar(80)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_io_pk', ['run_id', 'direction', 'name'])
    .execute();
  await db.schema.createIndex('run_io_ref').on('run_io').column('ref').execute();

  await db.schema
    .createTable('blobs')
    .addColumn('digest', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('media_type', 'varchar(255)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('run_artifacts')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('digest', 'varchar(80)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('media_type', 'varchar(255)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_artifacts_pk', ['run_id', 'path'])
    .execute();
  await db.schema.createIndex('run_artifacts_digest').on('run_artifacts').column('digest').execute();

  await db.schema
    .createTable('code_versions')
    .addColumn('id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('repo_root', 'text', (c) => c.notNull())
    .addColumn('remote_url', 'text')
    .addColumn('commit_sha', 'varchar(64)', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('dirty', 'integer', (c) => c.notNull())
    .addColumn('patch_digest', 'varchar(80)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('code_versions_commit').on('code_versions').column('commit_sha').execute();

  await db.schema
    .createTable('data_versions')
    .addColumn('digest', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('format', 'varchar(32)')
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('total_size', 'bigint', (c) => c.notNull())
    .addColumn('row_count', 'bigint')
    .addColumn('schema', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('data_files')
    .addColumn('data_digest', 'varchar(80)', (c) => c.notNull().references('data_versions.digest'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('digest', 'varchar(80)', (c) => c.notNull())
    .addPrimaryKeyConstraint('data_files_pk', ['data_digest', 'path'])
    .execute();

  await db.schema
    .createTable('environments')
    .addColumn('digest', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('os', 'text', (c) => c.notNull())
    .addColumn('arch', 'varchar(32)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('edges')
    .addColumn('from_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('from_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('relation', 'varchar(64)', (c) => c.notNull())
    .addColumn('to_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('to_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('edges_pk', ['from_type', 'from_id', 'relation', 'to_type', 'to_id'])
    .execute();
  await db.schema.createIndex('edges_to').on('edges').columns(['to_type', 'to_id']).execute();

  // MLflow clients expect experiment "0", named "Default", to exist from the start.
  const now = Date.now();
  await db
    .insertInto('experiments')
    .values({
      experiment_id: '0',
      name: 'Default',
      artifact_location: 'mlflow-artifacts:/0',
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
    })
    .execute();
}
