import type { EventInput, ListEventsQuery, ObserverEvent } from './types.js';

/** Events (from observers, `validate`, CI or anyone): the events part of the ThreadlineApi contract. */
export interface EventApi {
  /** Records an event (stage, kind, severity, summary, subjects, details). */
  recordEvent(event: EventInput): Promise<ObserverEvent>;
  /** Events, newest first. */
  listEvents(query?: ListEventsQuery): Promise<ObserverEvent[]>;
  /** One event with its subjects. NOT_FOUND when absent. */
  getEvent(id: string): Promise<ObserverEvent>;
}
