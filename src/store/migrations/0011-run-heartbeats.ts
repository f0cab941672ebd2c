import type { Kysely } from 'kysely';

/**
 * When the writer of a run last said it was alive (`threadline run` beats every 30 s). Null for
 * runs whose client does not beat (MLflow clients): only runs that opted in are ever reaped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').addColumn('last_heartbeat', 'bigint').execute();
  await db.schema.createIndex('runs_status_heartbeat').on('runs').columns(['status', 'last_heartbeat']).execute();
}
