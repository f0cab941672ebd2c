/** MLflow 3's LoggedModelStatus, by its protobuf names. */
export const loggedModelStatuses = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const;
export type LoggedModelStatus = (typeof loggedModelStatuses)[number];

/** One file of a logged model: a blob in the artifact store at a path under its artifact root. */
export interface LoggedModelFile {
  path: string;
  digest: string;
  size: number;
  mediaType: string | null;
}

/** A metric a run logged against the model, with the dataset it was measured on. */
export interface LoggedModelMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  runId: string;
  modelId: string;
  datasetName: string | null;
  datasetDigest: string | null;
}

/** MLflow 3's LoggedModel: a model with its own id, files, params and tags, parent of model versions. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  /** `mlflow-artifacts:/<experiment>/models/<model_id>/artifacts` (or under the experiment's location). */
  artifactLocation: string;
  creationTime: number;
  lastUpdatedTime: number;
  status: LoggedModelStatus;
  statusMessage: string | null;
  lifecycleStage: 'active' | 'deleted';
  modelType: string | null;
  sourceRunId: string | null;
  /** sha256 manifest of the files (same rule as a model version's), once READY. */
  artifactDigest: string | null;
  environmentDigest: string | null;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: LoggedModelMetric[];
  files: LoggedModelFile[];
  /** Versions registered from it. */
  registrations: { name: string; version: number }[];
}

export interface CreateLoggedModelInput {
  experimentId: string;
  name?: string;
  modelType?: string;
  sourceRunId?: string;
  params?: { key: string; value: string }[];
  tags?: { key: string; value: string }[];
}

/** A metric as logged on a run, with MLflow 3's optional model and dataset. */
export interface ModelMetricInput {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

export interface SearchLoggedModelsInput {
  experimentIds: string[];
  filter?: string;
  datasets?: { datasetName: string; datasetDigest?: string }[];
  maxResults?: number;
  orderBy?: { fieldName: string; ascending?: boolean; datasetName?: string; datasetDigest?: string }[];
  pageToken?: string;
}

/** A run's link to a model: what it output (runs/outputs, with a step) or read (log-inputs). */
export interface RunModelLink {
  modelId: string;
  direction: 'input' | 'output';
  step: number;
}
