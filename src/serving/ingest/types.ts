/** What one bulk ingest did: every record is counted once, as accepted, duplicate or rejected. */
export interface PredictionIngestResult {
  /** Records written now. */
  accepted: number;
  /** Records whose prediction id was already logged (or repeated in the batch): left as they were. */
  duplicates: number;
  /** Records that failed validation, not written. */
  rejected: number;
  /** Why, by position in the batch (0-based), for the first 20 rejected records. */
  errors: { index: number; message: string }[];
}

/**
 * One prediction as `POST /api/predictions:batch` takes it (the middlewares' wire format): the
 * log row in snake_case. `time` is epoch ms or ISO 8601; bodies are the text served (another JSON
 * value is stored as its JSON text).
 */
export interface PredictionRecord {
  prediction_id: string;
  time: number | string;
  method: string;
  path: string;
  status: number;
  latency_ms: number;
  deployment_id?: string | null;
  request_body?: unknown;
  response_body?: unknown;
  truncated?: boolean;
  model_name?: string | null;
  model_version?: number | null;
  run_id?: string | null;
  git_sha?: string | null;
  error?: string | null;
}
