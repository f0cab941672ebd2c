import type { Kysely } from 'kysely';

/**
 * Leases: work that must happen once across processes (an observer's pokes, an alert's delivery
 * for one finding) is done by whoever holds the row `name` until `expires_at`. A holder renews
 * while it works; when it dies the row expires and another process takes it over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(256)', (c) => c.notNull())
    .addColumn('acquired_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('leases').execute();
}
