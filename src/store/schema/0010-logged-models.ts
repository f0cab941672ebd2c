// MLflow 3's logged models, their params, tags, files and metrics, and which runs made or read them (migration 0010).

/** MLflow 3 LoggedModels. */
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

export interface LoggedModelTables {
  logged_models: LoggedModelsTable;
  logged_model_tags: LoggedModelKeyValuesTable;
  logged_model_params: LoggedModelKeyValuesTable;
  logged_model_files: LoggedModelFilesTable;
  logged_model_metrics: LoggedModelMetricsTable;
  run_models: RunModelsTable;
}
