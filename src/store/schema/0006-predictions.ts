// The prediction log and its ground truth (migration 0006; migration 0017 adds an index on model_name, time).

export interface PredictionsTable {
  id: string;
  deployment_id: string | null;
  time: number;
  method: string;
  path: string;
  status: number;
  latency_ms: number;
  request_body: string | null;
  response_body: string | null;
  truncated: number;
  model_name: string | null;
  model_version: number | null;
  run_id: string | null;
  git_sha: string | null;
  error: string | null;
}

export interface PredictionFeedbackTable {
  prediction_id: string;
  label: string;
  time: number;
  source: string | null;
}

export interface PredictionTables {
  predictions: PredictionsTable;
  prediction_feedback: PredictionFeedbackTable;
}
