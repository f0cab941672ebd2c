import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/database.js';

/** What one observer remembers between pokes (JSON values by key), kept in the store. */
export class ObserverState {
  constructor(
    private readonly db: Kysely<Database>,
    readonly observer: string,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('observer_state').select('value').where('observer', '=', this.observer).where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: string, value: unknown, now = Date.now()): Promise<void> {
    const json = JSON.stringify(value);
    await this.db
      .insertInto('observer_state')
      .values({ observer: this.observer, key, value: json, updated_at: now })
      .onConflict((oc) => oc.columns(['observer', 'key']).doUpdateSet({ value: json, updated_at: now }))
      .execute();
  }
}

export interface ObserverHealth {
  observer: string;
  lastPoke: number | null;
  lastSuccess: number | null;
  lastError: string | null;
  lastErrorTime: number | null;
  pokes: number;
  failures: number;
  events: number;
}

export const healthKey = '_health';

/** Every observer's health, for `observe --status` and /metrics. */
export async function listObserverHealth(store: Store): Promise<ObserverHealth[]> {
  const rows = await store.db.selectFrom('observer_state').select(['observer', 'value']).where('key', '=', healthKey).orderBy('observer').execute();
  return rows.map((r) => ({ ...(JSON.parse(r.value) as Omit<ObserverHealth, 'observer'>), observer: r.observer }));
}
