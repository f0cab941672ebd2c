// MLflow dataset inputs (migration 0009).

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

export interface MlflowDatasetTables {
  mlflow_datasets: MlflowDatasetsTable;
}
