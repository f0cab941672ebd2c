import { uuidPattern } from '../../ids.js';
import { registerDescriber, type Describer, type Description } from '../../lineage/describe.js';
import { registerResolver, type Resolver } from '../../lineage/resolve.js';

const chunk = 1000;

/** `trace <event id>`: what an event is about, and upstream from there. */
export const eventResolver: Resolver = {
  kind: 'event id (UUID)',
  accepts: (id) => uuidPattern.test(id),
  async find(id, ctx) {
    const row = await ctx.db.selectFrom('events').select(['id', 'kind']).where('id', '=', id.toLowerCase()).executeTakeFirst();
    return row ? [{ ref: { type: 'event' as const, id: row.id }, note: `event ${row.id} (${row.kind})` }] : [];
  },
};

export const describeEvents: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await ctx.db.selectFrom('events').select(['id', 'time', 'stage', 'kind', 'severity', 'summary', 'source']).where('id', 'in', ids.slice(i, i + chunk)).execute();
    for (const e of rows) {
      out.set(e.id, {
        summary: `${e.severity.toUpperCase()} ${e.stage}/${e.kind} ${new Date(e.time).toISOString()}  ${e.summary}`,
        facts: { time: e.time, stage: e.stage, kind: e.kind, severity: e.severity, summary: e.summary, source: e.source },
      });
    }
  }
  return out;
};

export function registerEventLineage(): void {
  registerResolver(eventResolver);
  registerDescriber('event', describeEvents);
}
