import type { Kysely } from 'kysely';
import { addEdges } from '../lineage/edge-store.js';
import type { EntityRef, EntityType } from '../lineage/types.js';
import type { Store } from '../store/database.js';
import type { Database, EventsTable } from '../store/schema.js';
import { severities, severityRank, type ListEventsQuery, type ObserverEvent, type Severity, type Stage } from './types.js';

export const aboutRelation = 'about';
const defaultLimit = 100;
const maxLimit = 10_000;
/** Ids per `in (…)` list: well under the bound-parameter limits of both back ends. */
const chunk = 1000;

/** SQL of events: rows in `events`, subjects as lineage edges event → subject. */
export class EventStore {
  readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async insert(event: ObserverEvent): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('events')
        .values({
          id: event.id,
          time: event.time,
          stage: event.stage,
          kind: event.kind,
          severity: event.severity,
          summary: event.summary,
          details: JSON.stringify(event.details),
          source: event.source,
          fingerprint: event.fingerprint,
        })
        .execute();
      await addEdges(
        trx,
        event.subjects.map((to) => ({ from: { type: 'event', id: event.id }, relation: aboutRelation, to })),
        event.time,
      );
    });
  }

  async get(id: string): Promise<ObserverEvent | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return (await this.withSubjects([row]))[0];
  }

  /** Newest first. `since` must already be epoch ms. */
  async list(query: Omit<ListEventsQuery, 'since'> & { since?: number }): Promise<ObserverEvent[]> {
    let q = this.db.selectFrom('events').selectAll('events');
    if (query.stage) q = q.where('events.stage', '=', query.stage);
    if (query.kind) q = q.where('events.kind', '=', query.kind);
    if (query.source) q = q.where('events.source', '=', query.source);
    if (query.severity) q = q.where('events.severity', 'in', severities.filter((s) => severityRank(s) >= severityRank(query.severity!)));
    if (query.since !== undefined) q = q.where('events.time', '>=', query.since);
    if (query.subject) {
      const subject = query.subject;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('edges')
            .select('edges.from_id')
            .whereRef('edges.from_id', '=', 'events.id')
            .where('edges.from_type', '=', 'event')
            .where('edges.relation', '=', aboutRelation)
            .where('edges.to_type', '=', subject.type)
            .where('edges.to_id', '=', subject.id),
        ),
      );
    }
    const limit = Math.min(query.limit ?? defaultLimit, maxLimit);
    const rows = await q.orderBy('events.time', 'desc').orderBy('events.id', 'desc').limit(limit).execute();
    return this.withSubjects(rows);
  }

  /** The headline columns of many events (no details, no subjects), for describing them in a trace. */
  async headlines(ids: string[]): Promise<Pick<EventsTable, 'id' | 'time' | 'stage' | 'kind' | 'severity' | 'summary' | 'source'>[]> {
    const rows = [];
    for (let i = 0; i < ids.length; i += chunk) {
      rows.push(...(await this.db.selectFrom('events').select(['id', 'time', 'stage', 'kind', 'severity', 'summary', 'source']).where('id', 'in', ids.slice(i, i + chunk)).execute()));
    }
    return rows;
  }

  private async withSubjects(rows: EventsTable[]): Promise<ObserverEvent[]> {
    if (rows.length === 0) return [];
    const edges = await this.db
      .selectFrom('edges')
      .select(['from_id', 'to_type', 'to_id'])
      .where('from_type', '=', 'event')
      .where('relation', '=', aboutRelation)
      .where(
        'from_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const subjects = new Map<string, EntityRef[]>();
    for (const e of edges) subjects.set(e.from_id, [...(subjects.get(e.from_id) ?? []), { type: e.to_type as EntityType, id: e.to_id }]);
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      stage: r.stage as Stage,
      kind: r.kind,
      severity: r.severity as Severity,
      summary: r.summary,
      subjects: subjects.get(r.id) ?? [],
      details: JSON.parse(r.details) as Record<string, unknown>,
      source: r.source,
      fingerprint: r.fingerprint,
    }));
  }
}
