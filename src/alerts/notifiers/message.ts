import type { ObserverEvent } from '../../events/types.js';

/** What every notifier sends, in the shape it prefers. */
export interface Alert {
  rule: string;
  event: ObserverEvent;
}

export function alertTitle(alert: Alert): string {
  const e = alert.event;
  return `[${e.severity.toUpperCase()}] ${e.stage}/${e.kind}: ${e.summary}`;
}

export function alertText(alert: Alert): string {
  const e = alert.event;
  const lines = [alertTitle(alert), `rule ${alert.rule}${e.source ? ` · observer ${e.source}` : ''} · ${new Date(e.time).toISOString()}`];
  for (const s of e.subjects) lines.push(`about ${s.type} ${s.id}`);
  lines.push(`threadline events show ${e.id}`);
  return lines.join('\n');
}
