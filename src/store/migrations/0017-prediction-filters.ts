import type { Kysely } from 'kysely';

/**
 * The prediction log listed by model (`predictions list --model`, the UI's filter), newest first:
 * without this a model's predictions are found by walking the whole log's time index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('predictions_model_time').on('predictions').columns(['model_name', 'time']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('predictions_model_time').execute();
}
