/** MLflow's legacy stages; aliases replace them, but clients still transition versions. */
export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';
export const stages: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived'];

export interface ModelAlias {
  alias: string;
  version: number;
}

export interface RegisteredModel {
  name: string;
  description: string | null;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  aliases: ModelAlias[];
  /** The newest version in each stage, as MLflow's `latest_versions`. */
  latestVersions: ModelVersion[];
}

export interface ModelVersion {
  name: string;
  version: number;
  /** The model's URI as registered: `runs:/<run>/model`, `mlflow-artifacts:/…`. */
  source: string;
  runId: string | null;
  runLink: string | null;
  description: string | null;
  status: 'READY';
  statusMessage: string | null;
  currentStage: Stage;
  creationTime: number;
  lastUpdatedTime: number;
  userId: string | null;
  /** `sha256:<hex>` of the model's files when they are artifacts of its run (see artifact-digest.ts). */
  artifactDigest: string | null;
  /** The model signature as JSON text, when the model carries one. */
  signature: string | null;
  /** The MLflow 3 LoggedModel (`m-…`) it was registered from (`models:/<model_id>`), if any. */
  modelId: string | null;
  tags: Record<string, string>;
  aliases: string[];
}

/** One move of an alias: from null = created, to null = deleted. */
export interface AliasMove {
  name: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  actor: string;
  time: number;
}

export interface CreateModelInput {
  name: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface CreateVersionInput {
  name: string;
  /** The model's URI; `runs:/<run>/<path>` names its run and artifact path. */
  source: string;
  runId?: string;
  runLink?: string;
  description?: string;
  tags?: Record<string, string>;
  userId?: string;
  signature?: string;
  /** MLflow 3: the LoggedModel the version is made from; also read from a `models:/<model_id>` source. */
  modelId?: string;
}

/** `threadline models register`: a run's artifact path, the model created when missing. */
export interface RegisterInput {
  name: string;
  runId: string;
  artifactPath: string;
  tags?: Record<string, string>;
  description?: string;
  userId?: string;
}

export interface SearchInput {
  filter?: string;
  maxResults?: number;
  orderBy?: readonly string[];
  pageToken?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}
