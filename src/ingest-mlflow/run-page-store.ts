import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Active run ids in id order, a page at a time, for the backfill. */
export async function activeRunIdsAfter(db: Kysely<Database>, after: string, limit: number, experimentIds?: readonly string[]): Promise<string[]> {
  let q = db.selectFrom('runs').select('run_id').where('lifecycle_stage', '=', 'active').where('run_id', '>', after).orderBy('run_id').limit(limit);
  if (experimentIds && experimentIds.length > 0) q = q.where('experiment_id', 'in', [...experimentIds]);
  return (await q.execute()).map((r) => r.run_id);
}
