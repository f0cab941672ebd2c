import { severityRank, type ObserverEvent } from '../events/types.js';
import type { AlertRule } from './config.js';

/** Does the event fall under the rule? Pure: cooldown and dedupe need history and live in the dispatcher. */
export function ruleMatches(rule: AlertRule, event: ObserverEvent): boolean {
  if (rule.stage && !rule.stage.includes(event.stage)) return false;
  if (rule.kind && !rule.kind.includes(event.kind)) return false;
  if (rule.source && !rule.source.includes(event.source ?? '')) return false;
  if (rule.severity && severityRank(event.severity) < severityRank(rule.severity)) return false;
  if (rule.threshold) {
    const value = readNumber(event, rule.threshold.field);
    if (value === undefined) return false;
    if (rule.threshold.above !== undefined && !(value > rule.threshold.above)) return false;
    if (rule.threshold.below !== undefined && !(value < rule.threshold.below)) return false;
  }
  return true;
}

/** `details.score`, `details.columns.age.score`: a number inside the event, or undefined. */
export function readNumber(event: ObserverEvent, field: string): number | undefined {
  let at: unknown = event;
  for (const part of field.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}
