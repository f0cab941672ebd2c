import { registerDescriber, type Describer, type Description } from '../lineage/describe.js';
import { registerResolver, timeOrderedResolver, type Resolver } from '../lineage/resolve.js';
import { EventStore } from './event-store.js';

/** `trace <event id>`: what an event is about, and upstream from there. */
export const eventResolver: Resolver = timeOrderedResolver({ type: 'event', table: 'events', kind: 'event id (UUID, or its short form: 6-8 of its last 8 hex)' });

export const describeEvents: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (const e of await new EventStore(ctx.store).headlines(ids)) {
    out.set(e.id, {
      summary: `${e.severity.toUpperCase()} ${e.stage}/${e.kind} ${new Date(e.time).toISOString()}  ${e.summary}`,
      facts: { time: e.time, stage: e.stage, kind: e.kind, severity: e.severity, summary: e.summary, source: e.source },
    });
  }
  return out;
};

export function registerEventLineage(): void {
  registerResolver(eventResolver);
  registerDescriber('event', describeEvents);
}
