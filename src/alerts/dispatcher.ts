import type { Kysely } from 'kysely';
import { newUuid } from '../ids.js';
import type { ObserverEvent } from '../observe/events/types.js';
import type { Database } from '../store/schema.js';
import type { AlertRule, AlertsConfig } from './config.js';
import { buildNotifier } from './notifiers/index.js';
import type { Notifier } from './notifiers/types.js';
import { ruleMatches } from './rules.js';

export interface Delivery {
  rule: string;
  notifier: string;
  outcome: 'sent' | 'suppressed' | 'failed';
  /** Why suppressed (cooldown, duplicate), or the notifier's error. */
  reason?: string;
}

/**
 * Turns events into alerts: the rules that match, minus those in cooldown or already sent for the
 * same finding, go to their notifiers. Every attempt is a row in `alert_deliveries`, which is also
 * what cooldown and dedupe read, so they hold across processes.
 */
export class AlertDispatcher {
  private readonly notifiers: Map<string, Notifier>;
  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: AlertsConfig,
    notifiers?: Map<string, Notifier>,
  ) {
    this.notifiers = notifiers ?? new Map(config.notifiers.map((n) => [n.name, buildNotifier(n)]));
  }

  async dispatch(event: ObserverEvent, now = Date.now()): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const rule of this.config.rules) {
      if (!ruleMatches(rule, event)) continue;
      const quiet = await this.quietReason(rule, event, now);
      for (const name of rule.notify) {
        if (quiet) {
          deliveries.push({ rule: rule.name, notifier: name, outcome: 'suppressed', reason: quiet });
          continue;
        }
        try {
          await this.notifiers.get(name)!.send({ rule: rule.name, event });
          deliveries.push({ rule: rule.name, notifier: name, outcome: 'sent' });
        } catch (error) {
          deliveries.push({ rule: rule.name, notifier: name, outcome: 'failed', reason: (error as Error).message });
          process.stderr.write(`threadline: alert ${rule.name} → ${name} failed: ${(error as Error).message}\n`);
        }
      }
    }
    if (deliveries.length > 0) {
      await this.db
        .insertInto('alert_deliveries')
        .values(deliveries.map((d) => ({ id: newUuid(), rule: d.rule, notifier: d.notifier, event_id: event.id, fingerprint: event.fingerprint, time: now, outcome: d.outcome, error: d.reason ?? null })))
        .execute();
    }
    return deliveries;
  }

  private async quietReason(rule: AlertRule, event: ObserverEvent, now: number): Promise<string | undefined> {
    if (rule.cooldownMs > 0) {
      const recent = await this.db.selectFrom('alert_deliveries').select('time').where('rule', '=', rule.name).where('outcome', '=', 'sent').where('time', '>', now - rule.cooldownMs).limit(1).executeTakeFirst();
      if (recent) return `cooldown: rule ${rule.name} alerted ${Math.round((now - recent.time) / 1000)}s ago`;
    }
    if (rule.dedupeMs > 0 && event.fingerprint) {
      const same = await this.db.selectFrom('alert_deliveries').select('time').where('rule', '=', rule.name).where('outcome', '=', 'sent').where('fingerprint', '=', event.fingerprint).where('time', '>', now - rule.dedupeMs).limit(1).executeTakeFirst();
      if (same) return `duplicate: the same finding (${event.fingerprint}) was alerted ${Math.round((now - same.time) / 1000)}s ago`;
    }
    return undefined;
  }
}
