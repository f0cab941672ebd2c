import type { Kysely } from 'kysely';

/**
 * Deployments: `ENV#N`, numbered per environment. (environment, sequence) is unique so that two
 * deploys racing for the same number conflict and the loser retries with the next one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'varchar(160)', (c) => c.primaryKey())
    .addColumn('environment', 'varchar(128)', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('image_reference', 'text')
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'varchar(64)')
    .addColumn('git_sha', 'varchar(64)')
    .addColumn('target', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('replaced_id', 'varchar(160)')
    .addColumn('reason', 'varchar(16)', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addUniqueConstraint('deployments_environment_sequence', ['environment', 'sequence'])
    .execute();
}
