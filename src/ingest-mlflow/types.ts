/** What one ingest step changed: links made or replaced, tags added; all 0 when everything was there. */
export interface IngestChanges {
  code: number;
  externalIds: number;
  data: number;
  environment: number;
}

export interface BackfillQuery {
  /** Only runs of these experiments; every active run when empty. */
  experimentIds?: string[];
}

/** `threadline mlflow backfill`: what the runs already stored gained. A second pass reports 0 changes. */
export interface BackfillReport extends IngestChanges {
  /** Active runs looked at. */
  runs: number;
  /** Runs that gained anything. */
  changedRuns: number;
}
