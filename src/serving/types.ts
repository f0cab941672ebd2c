/** One logged request/response pair of a served model. Times are epoch ms. */
export interface Prediction {
  id: string;
  /** `ENV#N` of the deployment that served it; null when served unlinked. */
  deploymentId: string | null;
  time: number;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  /** Captured bodies (UTF-8, redacted, cut at the cap); null when not sampled or empty. */
  requestBody: string | null;
  responseBody: string | null;
  truncated: boolean;
  modelName: string | null;
  modelVersion: number | null;
  runId: string | null;
  gitSha: string | null;
  /** Why the upstream gave no answer (connection refused, timeout…). */
  error: string | null;
}

/** Ground truth for a prediction: `label` is any JSON value. */
export interface Feedback {
  predictionId: string;
  label: unknown;
  time: number;
  source: string | null;
}

export interface PredictionDetail extends Prediction {
  feedback: Feedback[];
}

export interface ListPredictionsQuery {
  deploymentId?: string;
  /** Epoch ms, or `1h` / `30m` / `2d` / an ISO time. */
  since?: number | string;
  limit?: number;
}

/** What a bulk feedback import did: unknown prediction ids are counted, not fatal. */
export interface FeedbackImport {
  recorded: number;
  unknown: number;
  /** The first few unknown ids, for the message. */
  unknownIds: string[];
  invalid: number;
}
