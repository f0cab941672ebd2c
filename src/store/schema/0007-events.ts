// Observer events, what the observers remember, alert deliveries (migration 0007).

export interface EventsTable {
  id: string;
  time: number;
  stage: string;
  kind: string;
  severity: string;
  summary: string;
  details: string;
  source: string | null;
  fingerprint: string | null;
}

export interface ObserverStateTable {
  observer: string;
  key: string;
  value: string;
  updated_at: number;
}

export interface AlertDeliveriesTable {
  id: string;
  rule: string;
  notifier: string;
  event_id: string;
  fingerprint: string | null;
  time: number;
  outcome: string;
  error: string | null;
}

export interface EventTables {
  events: EventsTable;
  observer_state: ObserverStateTable;
  alert_deliveries: AlertDeliveriesTable;
}
