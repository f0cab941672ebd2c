// The model registry (migration 0002).

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
  /** The MLflow 3 LoggedModel (`m-…`) it was registered from, if any (added by migration 0010). */
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

export interface RegistryTables {
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  alias_history: AliasHistoryTable;
}
