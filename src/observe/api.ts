import type { ObserverHealth } from './state-store.js';

/** The observers' part of the ThreadlineApi contract: what the scheduler keeps of each (read only). */
export interface ObserverApi {
  /** Every observer that has been poked: last poke, last success, last error, counts; by name. */
  listObserverHealth(): Promise<ObserverHealth[]>;
}
