import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface Lease {
  name: string;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
}

/** A name for this process as a lease holder: host, pid and a random tail (pids repeat across pods). */
export function leaseHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Leases in the store (migration 0012), the same on SQLite and PostgreSQL: one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE` takes a free or expired lease, or renews one's own, in
 * a single atomic statement; under a live holder it changes nothing and returns no row.
 */
export class LeaseStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes `name` for `holder` until `now + ttlMs` (or renews it); true when `holder` now holds it. */
  async acquire(name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder, acquired_at: now, expires_at: now + ttlMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({
            holder,
            expires_at: now + ttlMs,
            // A renewal keeps when the lease was first taken; a takeover starts afresh.
            acquired_at: sql<number>`case when leases.holder = ${holder} then leases.acquired_at else ${now} end`,
          })
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)])),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives the lease up at once (a clean stop), so that another process need not wait for it to expire. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  async get(name: string): Promise<Lease | undefined> {
    const row = await this.db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
    return row && { name: row.name, holder: row.holder, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
  }
}
