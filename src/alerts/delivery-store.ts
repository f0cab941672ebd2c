import type { Kysely } from 'kysely';
import { newUuid } from '../ids.js';
import type { Database } from '../store/schema.js';
import { LeaseStore } from '../store/lease-store.js';

export interface DeliveryRow {
  rule: string;
  notifier: string;
  outcome: 'sent' | 'suppressed' | 'failed';
  reason?: string;
}

/**
 * What the dispatcher reads and writes: the history in `alert_deliveries`, and claims on a rule
 * (cooldown) or a rule's finding (dedupe) as leases that last the window. A claim is taken in one
 * atomic statement before anything is sent, so two replicas handed the same finding send it once.
 */
export class DeliveryStore {
  private readonly leases: LeaseStore;

  constructor(private readonly db: Kysely<Database>) {
    this.leases = new LeaseStore(db);
  }

  /** When `rule` last sent (for `fingerprint`, when given) after `since`. */
  async lastSent(rule: string, since: number, fingerprint?: string): Promise<number | undefined> {
    let query = this.db.selectFrom('alert_deliveries').select('time').where('rule', '=', rule).where('outcome', '=', 'sent').where('time', '>', since);
    if (fingerprint !== undefined) query = query.where('fingerprint', '=', fingerprint);
    const row = await query.limit(1).executeTakeFirst();
    return row?.time;
  }

  /** Claims `key` for `windowMs` as `claimant`; false when another holds it. */
  claim(key: string, claimant: string, windowMs: number, now: number): Promise<boolean> {
    return this.leases.acquire(key, claimant, windowMs, now);
  }

  /** Gives a claim back: nothing was sent, so the next occurrence may alert. */
  unclaim(key: string, claimant: string): Promise<void> {
    return this.leases.release(key, claimant);
  }

  async record(eventId: string, fingerprint: string | null, now: number, deliveries: DeliveryRow[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('alert_deliveries')
      .values(deliveries.map((d) => ({ id: newUuid(), rule: d.rule, notifier: d.notifier, event_id: eventId, fingerprint, time: now, outcome: d.outcome, error: d.reason ?? null })))
      .execute();
  }
}
