import type { Kysely } from 'kysely';

/**
 * What a run's capture records beyond 0001: the changed files a dirty patch left out (JSON list
 * of path, reason, size, digest), and the data files found by their own content digest (`trace
 * sha256:<file>`) or by the md5 DVC recorded for them. Existing data_files rows already carry
 * their sha256, so the index alone makes them findable; their DVC md5 stays unknown (null).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('code_versions').addColumn('omitted', 'text').execute();
  await db.schema.alterTable('data_files').addColumn('dvc_md5', 'varchar(64)').execute();
  await db.schema.createIndex('data_files_digest').on('data_files').column('digest').execute();
  await db.schema.createIndex('data_files_dvc_md5').on('data_files').column('dvc_md5').execute();
}
