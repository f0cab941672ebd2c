import { z } from 'zod';
import { invalidArgument, notFound, parseWith } from '../errors.js';
import { newUuid, uuidPattern } from '../ids.js';
import { resolveIdWith } from '../lineage/resolve.js';
import type { EntityType } from '../lineage/types.js';
import { parseSince } from '../duration.js';
import type { Store } from '../store/database.js';
import { EventStore } from './event-store.js';
import { eventResolver } from './lineage.js';
import { severities, stages, type EventInput, type ListEventsQuery, type ObserverEvent } from './types.js';

/** Called after an event is stored (alert rules, metrics). A listener that throws loses nothing. */
export type EventListener = (event: ObserverEvent) => Promise<void> | void;

const entityRef = z.object({ type: z.string().min(1).max(64), id: z.string().min(1).max(512) });
const eventInput = z.object({
  stage: z.enum(stages),
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,127}$/, 'kind is lower-case snake_case, e.g. data_changed'),
  severity: z.enum(severities).default('info'),
  summary: z.string().min(1).max(2000),
  subjects: z.array(entityRef).max(100).default([]),
  details: z.record(z.string(), z.unknown()).default({}),
  source: z.string().max(256).nullish(),
  fingerprint: z.string().max(256).nullish(),
  time: z.number().int().nonnegative().optional(),
});

/** Records events (validated, with their subjects as lineage edges) and tells the listeners. */
export class EventService {
  readonly store: EventStore;
  private readonly listeners: EventListener[] = [];
  private readonly db: Store['db'];

  constructor(store: Store) {
    this.store = new EventStore(store);
    this.db = store.db;
  }

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  async record(input: EventInput | unknown): Promise<ObserverEvent> {
    const e = parseWith(eventInput, input, 'Invalid event');
    const event: ObserverEvent = {
      id: newUuid(),
      time: e.time ?? Date.now(),
      stage: e.stage,
      kind: e.kind,
      severity: e.severity,
      summary: e.summary,
      subjects: e.subjects.map((s) => ({ type: s.type as EntityType, id: s.id })),
      details: e.details,
      source: e.source ?? null,
      fingerprint: e.fingerprint ?? null,
    };
    await this.store.insert(event);
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        process.stderr.write(`threadline: event listener failed on ${event.kind} ${event.id}: ${(error as Error).message}\n`);
      }
    }
    return event;
  }

  /** By id or short form (`events show 8310db3a`). */
  async get(typed: string): Promise<ObserverEvent> {
    const id = uuidPattern.test(typed) ? typed : await resolveIdWith(eventResolver, { db: this.db }, typed, 'Event');
    const event = await this.store.get(id);
    if (!event) throw notFound(`no event '${id}'`);
    return event;
  }

  list(query: ListEventsQuery = {}): Promise<ObserverEvent[]> {
    if (query.stage !== undefined && !stages.includes(query.stage)) throw invalidArgument(`unknown stage '${query.stage}': one of ${stages.join(', ')}`);
    if (query.severity !== undefined && !severities.includes(query.severity)) throw invalidArgument(`unknown severity '${query.severity}': one of ${severities.join(', ')}`);
    if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1)) throw invalidArgument(`limit takes a positive whole number, got '${query.limit}'`);
    return this.store.list({ ...query, since: query.since === undefined ? undefined : parseSince(query.since) });
  }
}
