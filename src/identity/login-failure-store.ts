import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** SQL of failed logins (migration 0016): keys are digests, never the names or addresses tried. */
export class LoginFailureStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Per key: how many failures since `since`, and when the oldest of them was. */
  async recent(keys: readonly string[], since: number): Promise<Map<string, { count: number; oldest: number }>> {
    const rows = await this.db
      .selectFrom('login_failures')
      .select((eb) => ['key', eb.fn.countAll<number>().as('count'), eb.fn.min<number>('failed_at').as('oldest')])
      .where('key', 'in', [...keys])
      .where('failed_at', '>', since)
      .groupBy('key')
      .execute();
    return new Map(rows.map((r) => [r.key, { count: Number(r.count), oldest: Number(r.oldest) }]));
  }

  async insert(keys: readonly string[], at: number): Promise<void> {
    await this.db
      .insertInto('login_failures')
      .values(keys.map((key) => ({ key, failed_at: at })))
      .execute();
  }

  /** Drops failures older than `before`: they no longer count. */
  async prune(before: number): Promise<void> {
    await this.db.deleteFrom('login_failures').where('failed_at', '<=', before).execute();
  }
}
