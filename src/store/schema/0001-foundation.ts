// Experiments, runs, what they ran on (code, data, environment), artifacts and the lineage edges (migration 0001).

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
  /** Epoch ms of the writer's last heartbeat; null when the writer does not beat (never reaped). Added by migration 0011. */
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
  /** JSON array of OmittedFile, null when nothing was left out of the patch. Added by migration 0013. */
  omitted: string | null;
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
  /** The md5 a DVC pointer recorded for this file, when it matched the content. Added by migration 0013. */
  dvc_md5: string | null;
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

export interface FoundationTables {
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
}
