import type { EntityRef } from '../lineage/types.js';

export const stages = ['code', 'data', 'features', 'training', 'deployment', 'production', 'external'] as const;
export type Stage = (typeof stages)[number];

/** Ordered: a rule for `warning` also matches `error` and `critical`. */
export const severities = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof severities)[number];

/** Something an observer saw change, linked to the entities it is about. */
export interface ObserverEvent {
  id: string;
  time: number;
  stage: Stage;
  /** What happened, snake_case: `commit`, `data_changed`, `drift_detected`, `metric_regression`… */
  kind: string;
  severity: Severity;
  /** One line a person reads in a list or an alert. */
  summary: string;
  subjects: EntityRef[];
  details: Record<string, unknown>;
  /** The observer (`data:orders`) or client that recorded it. */
  source: string | null;
  /** The same finding seen again carries the same fingerprint (alert dedupe). */
  fingerprint: string | null;
}

export interface EventInput {
  stage: Stage;
  kind: string;
  severity?: Severity;
  summary: string;
  subjects?: EntityRef[];
  details?: Record<string, unknown>;
  source?: string | null;
  fingerprint?: string | null;
  /** Defaults to now. */
  time?: number;
}

export interface ListEventsQuery {
  stage?: Stage;
  kind?: string;
  /** At least this severe. */
  severity?: Severity;
  /** Epoch ms, or a duration back from now (`1d`) or an ISO time. */
  since?: number | string;
  /** Only events about this entity. */
  subject?: EntityRef;
  source?: string;
  limit?: number;
}

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}
