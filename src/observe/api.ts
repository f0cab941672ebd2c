import type { ListValidationsQuery, RecordValidationInput, Validation } from '../validate/types.js';
import type { EventInput, ListEventsQuery, ObserverEvent } from './events/types.js';

/** Observer events and validation results: the observe part of the ThreadlineApi contract. */
export interface ObserveApi {
  /** Records an observer event (stage, kind, severity, summary, subjects, details). */
  recordEvent(event: EventInput): Promise<ObserverEvent>;
  /** Events, newest first. */
  listEvents(query?: ListEventsQuery): Promise<ObserverEvent[]>;
  /** One event with its subjects. NOT_FOUND when absent. */
  getEvent(id: string): Promise<ObserverEvent>;
  /** Records an expectation suite's result on a data version (computed next to the data); its event too. */
  recordValidation(input: RecordValidationInput): Promise<Validation>;
  /** Recorded validations, newest first; `data` is a data version digest. */
  listValidations(query?: ListValidationsQuery): Promise<Validation[]>;
  getValidation(id: string): Promise<Validation>;
}
