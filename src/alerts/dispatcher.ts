import { newUuid } from '../ids.js';
import type { ObserverEvent } from '../events/types.js';
import type { Store } from '../store/database.js';
import type { AlertRule, AlertsConfig } from './config.js';
import { DeliveryStore, type DeliveryRow } from './delivery-store.js';
import { buildNotifier } from './notifiers/index.js';
import type { Notifier } from './notifiers/types.js';
import { ruleMatches } from './rules.js';

export type Delivery = DeliveryRow;

/**
 * Turns events into alerts: the rules that match, minus those in cooldown or already sent for the
 * same finding, go to their notifiers. Every attempt is a row in `alert_deliveries`; cooldown and
 * dedupe are claimed in the store before sending (see DeliveryStore), so they hold across
 * processes and replicas, even for the same finding handed to two of them at once.
 */
export class AlertDispatcher {
  private readonly notifiers: Map<string, Notifier>;
  private readonly deliveries: DeliveryStore;

  constructor(
    store: Store,
    private readonly config: AlertsConfig,
    notifiers?: Map<string, Notifier>,
  ) {
    this.deliveries = new DeliveryStore(store.db);
    this.notifiers = notifiers ?? new Map(config.notifiers.map((n) => [n.name, buildNotifier(n)]));
  }

  async dispatch(event: ObserverEvent, now = Date.now()): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const rule of this.config.rules) {
      if (!ruleMatches(rule, event)) continue;
      const claimant = newUuid();
      const { quiet, claims } = await this.claim(rule, event, claimant, now);
      let sent = false;
      for (const name of rule.notify) {
        if (quiet) {
          deliveries.push({ rule: rule.name, notifier: name, outcome: 'suppressed', reason: quiet });
          continue;
        }
        try {
          await this.notifiers.get(name)!.send({ rule: rule.name, event });
          deliveries.push({ rule: rule.name, notifier: name, outcome: 'sent' });
          sent = true;
        } catch (error) {
          deliveries.push({ rule: rule.name, notifier: name, outcome: 'failed', reason: (error as Error).message });
          process.stderr.write(`threadline: alert ${rule.name} → ${name} failed: ${(error as Error).message}\n`);
        }
      }
      if (!sent) for (const key of claims) await this.deliveries.unclaim(key, claimant);
    }
    await this.deliveries.record(event.id, event.fingerprint, now, deliveries);
    return deliveries;
  }

  /**
   * Why the rule stays quiet for this event, or the claims that let it send. The history read
   * gives the usual answer with its age; the claims settle a race between processes.
   */
  private async claim(rule: AlertRule, event: ObserverEvent, claimant: string, now: number): Promise<{ quiet?: string; claims: string[] }> {
    const claims: string[] = [];
    const quiet = async (reason: string) => {
      for (const key of claims) await this.deliveries.unclaim(key, claimant);
      return { quiet: reason, claims: [] };
    };
    if (rule.dedupeMs > 0 && event.fingerprint) {
      const same = await this.deliveries.lastSent(rule.name, now - rule.dedupeMs, event.fingerprint);
      if (same !== undefined) return quiet(`duplicate: the same finding (${event.fingerprint}) was alerted ${Math.round((now - same) / 1000)}s ago`);
      const key = `alert:${rule.name}:finding:${event.fingerprint}`;
      if (!(await this.deliveries.claim(key, claimant, rule.dedupeMs, now))) return quiet(`duplicate: the same finding (${event.fingerprint}) is being alerted by another process`);
      claims.push(key);
    }
    if (rule.cooldownMs > 0) {
      const recent = await this.deliveries.lastSent(rule.name, now - rule.cooldownMs);
      if (recent !== undefined) return quiet(`cooldown: rule ${rule.name} alerted ${Math.round((now - recent) / 1000)}s ago`);
      const key = `alert:${rule.name}:cooldown`;
      if (!(await this.deliveries.claim(key, claimant, rule.cooldownMs, now))) return quiet(`cooldown: rule ${rule.name} is alerting from another process`);
      claims.push(key);
    }
    return { claims };
  }
}
