import type { Kysely } from 'kysely';

/**
 * OCI images built or recorded by Threadline. The reference `<repository>@<manifest digest>` is
 * the identity (the lineage edge id); repository and digest sit beside it for queries.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('images')
    .addColumn('reference', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('digest', 'varchar(80)', (c) => c.notNull())
    .addColumn('tag', 'text')
    .addColumn('model_name', 'text')
    .addColumn('model_version', 'integer')
    .addColumn('run_id', 'varchar(32)')
    .addColumn('git_sha', 'varchar(64)')
    // JSON object of the image's labels.
    .addColumn('labels', 'text', (c) => c.notNull())
    // The OCI image layout folder it was built in, when built here.
    .addColumn('layout_path', 'text')
    .addColumn('pushed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('images_model').on('images').columns(['model_name', 'model_version']).execute();
  await db.schema.createIndex('images_run').on('images').column('run_id').execute();
}
