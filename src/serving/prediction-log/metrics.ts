/** Counters of the prediction log; `dropped` stays 0 by design (a full queue spills to the journal). */
export interface PredictionLogMetrics {
  queued: number;
  written: number;
  journaled: number;
  replayed: number;
  dropped: number;
  /** Inserts that failed or took longer than the slow threshold. */
  storeFailures: number;
  /** Of those, the ones the destination refused as configured (a bad token, a wrong URL): retried with backoff. */
  refusals: number;
}

export function emptyMetrics(): PredictionLogMetrics {
  return { queued: 0, written: 0, journaled: 0, replayed: 0, dropped: 0, storeFailures: 0, refusals: 0 };
}
