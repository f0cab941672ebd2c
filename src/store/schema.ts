/**
 * The tables as Kysely sees them. Times are epoch milliseconds (MLflow's convention), booleans
 * are 0/1 integers so that both dialects read the same values back.
 */
export interface ExperimentsTable {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: string;
  key: string;
  value: string;
}

export interface RunsTable {
  run_id: string;
  experiment_id: string;
  name: string;
  status: string;
  user_id: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  deleted_time: number | null;
  artifact_uri: string;
  /** JSON array of argv, when the run was launched by `threadline run`. */
  command: string | null;
  working_dir: string | null;
  exit_code: number | null;
  code_version_id: string | null;
  environment_digest: string | null;
  /** Epoch ms of the writer's last heartbeat; null when the writer does not beat (never reaped). */
  last_heartbeat?: number | null;
}

export interface ParamsTable {
  run_id: string;
  key: string;
  value: string;
}

export interface MetricsTable {
  run_id: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

export type LatestMetricsTable = MetricsTable;

export interface RunTagsTable {
  run_id: string;
  key: string;
  value: string;
}

export interface RunIoTable {
  run_id: string;
  /** 'input' | 'output' */
  direction: string;
  /** 'data' (a DataVersion digest) | 'artifact' (a blob digest) */
  kind: string;
  name: string;
  ref: string;
  created_at: number;
}

export interface RunArtifactsTable {
  run_id: string;
  path: string;
  digest: string;
  size: number;
  media_type: string | null;
  created_at: number;
}

export interface BlobsTable {
  digest: string;
  size: number;
  media_type: string | null;
  created_at: number;
}

export interface CodeVersionsTable {
  id: string;
  repo_root: string;
  remote_url: string | null;
  commit_sha: string;
  branch: string | null;
  dirty: number;
  patch_digest: string | null;
  created_at: number;
}

export interface DataVersionsTable {
  digest: string;
  uri: string;
  format: string | null;
  file_count: number;
  total_size: number;
  row_count: number | null;
  /** JSON array of {name, type}. */
  schema: string | null;
  created_at: number;
}

export interface DataFilesTable {
  data_digest: string;
  path: string;
  size: number;
  digest: string;
}

export interface EnvironmentsTable {
  digest: string;
  os: string;
  arch: string;
  /** The whole captured Environment as JSON. */
  document: string;
  created_at: number;
}

/** One table for every link of the lineage graph: `from` was derived from / produced by `to`. */
export interface EdgesTable {
  from_type: string;
  from_id: string;
  relation: string;
  to_type: string;
  to_id: string;
  created_at: number;
}

export interface RegisteredModelsTable {
  name: string;
  description: string | null;
  creation_time: number;
  last_updated_time: number;
}

export interface RegisteredModelTagsTable {
  name: string;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  /** The model's URI as given: `runs:/<id>/model`, `mlflow-artifacts:/…`, a path. */
  source: string;
  run_id: string | null;
  run_link: string | null;
  description: string | null;
  /** Always 'READY': versions are registered from files that already exist. */
  status: string;
  status_message: string | null;
  /** 'None' | 'Staging' | 'Production' | 'Archived' (MLflow's legacy stages). */
  current_stage: string;
  creation_time: number;
  last_updated_time: number;
  user_id: string | null;
  /** sha256 of the model's files, when they are run artifacts Threadline knows. */
  artifact_digest: string | null;
  /** The model signature as JSON, when the model carries one. */
  signature: string | null;
  /** The MLflow 3 LoggedModel (`m-…`) it was registered from, if any. */
  model_id: string | null;
}

export interface ModelVersionTagsTable {
  name: string;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  name: string;
  alias: string;
  version: number;
}

/** Every alias move: from_version null = created, to_version null = deleted. */
export interface AliasHistoryTable {
  id: string;
  name: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  actor: string;
  time: number;
}

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

/** Expectation suite results (`threadline validate`); `results` is the JSON array of per-expectation results. */
export interface ValidationsTable {
  id: string;
  data_digest: string;
  data_uri: string;
  suite_name: string;
  suite_digest: string;
  success: number;
  evaluated: number;
  failed: number;
  results: string;
  time: number;
}

/** MLflow 3 LoggedModels (migration 0010). */
export interface LoggedModelsTable {
  model_id: string;
  experiment_id: string;
  name: string;
  artifact_location: string;
  creation_time: number;
  last_updated_time: number;
  /** LOGGED_MODEL_PENDING | LOGGED_MODEL_READY | LOGGED_MODEL_UPLOAD_FAILED */
  status: string;
  status_message: string | null;
  lifecycle_stage: string;
  model_type: string | null;
  source_run_id: string | null;
  /** sha256 manifest of its files, once finalized READY. */
  artifact_digest: string | null;
  environment_digest: string | null;
}

export interface LoggedModelKeyValuesTable {
  model_id: string;
  key: string;
  value: string;
}

export interface LoggedModelFilesTable {
  model_id: string;
  path: string;
  digest: string;
  size: number;
  media_type: string | null;
}

export interface LoggedModelMetricsTable {
  model_id: string;
  run_id: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  /** '' when the metric names no dataset. */
  dataset_name: string;
  dataset_digest: string;
}

/** A run's model outputs (runs/outputs) and model inputs (runs/log-inputs). */
export interface RunModelsTable {
  run_id: string;
  model_id: string;
  direction: 'input' | 'output';
  step: number;
}

/** An MLflow dataset input's own digest and source, by the data version it became (migration 0009). */
export interface MlflowDatasetsTable {
  data_digest: string;
  mlflow_digest: string;
  name: string;
  source_type: string;
  source: string;
  source_uri: string;
  source_name: string;
  profile: string | null;
  created_at: number;
}

export interface Database {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  params: ParamsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  run_tags: RunTagsTable;
  run_io: RunIoTable;
  run_artifacts: RunArtifactsTable;
  blobs: BlobsTable;
  code_versions: CodeVersionsTable;
  data_versions: DataVersionsTable;
  data_files: DataFilesTable;
  environments: EnvironmentsTable;
  edges: EdgesTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  alias_history: AliasHistoryTable;
  ol_jobs: OlJobsTable;
  ol_runs: OlRunsTable;
  ol_run_events: OlRunEventsTable;
  ol_datasets: OlDatasetsTable;
  validations: ValidationsTable;
  logged_models: LoggedModelsTable;
  logged_model_tags: LoggedModelKeyValuesTable;
  logged_model_params: LoggedModelKeyValuesTable;
  logged_model_files: LoggedModelFilesTable;
  logged_model_metrics: LoggedModelMetricsTable;
  run_models: RunModelsTable;
  mlflow_datasets: MlflowDatasetsTable;
}
