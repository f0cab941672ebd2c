// OpenLineage ingest (migration 0003).

/** OpenLineage jobs: `job_id` is `sha256:` of canonical JSON [namespace, name]. Facets are JSON. */
export interface OlJobsTable {
  job_id: string;
  namespace: string;
  name: string;
  facets: string;
  latest_run_id: string | null;
  created_at: number;
  updated_at: number;
}

/** OpenLineage runs (a UUID); `state` is the latest START/RUNNING/COMPLETE/ABORT/FAIL by event time. */
export interface OlRunsTable {
  run_id: string;
  job_id: string;
  state: string | null;
  start_time: number | null;
  end_time: number | null;
  parent_run_id: string | null;
  facets: string;
  created_at: number;
  updated_at: number;
}

export interface OlRunEventsTable {
  event_digest: string;
  run_id: string;
  event_type: string;
  event_time: number;
  document: string;
  received_at: number;
}

/** OpenLineage datasets: `dataset_id` as for jobs; `latest_version` a data_versions digest. */
export interface OlDatasetsTable {
  dataset_id: string;
  namespace: string;
  name: string;
  facets: string;
  latest_version: string | null;
  created_at: number;
  updated_at: number;
}

export interface OpenLineageTables {
  ol_jobs: OlJobsTable;
  ol_runs: OlRunsTable;
  ol_run_events: OlRunEventsTable;
  ol_datasets: OlDatasetsTable;
}
