import type { Kysely } from 'kysely';

/**
 * Failed logins, one row each, so that every replica on the store counts the same failures: a
 * password cannot be guessed at twice the rate by spreading the tries over two replicas. The key
 * is a digest of `user:NAME` or `address:IP` (a password typed into the user field stays out of
 * the store). Rows older than the throttle's window are deleted as new failures come in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'varchar(64)', (c) => c.notNull())
    .addColumn('failed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_by_key').on('login_failures').columns(['key', 'failed_at']).execute();
  await db.schema.createIndex('login_failures_by_time').on('login_failures').column('failed_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
}
