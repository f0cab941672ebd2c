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

/** Where a newest-first page ended: its last prediction's time and id. */
export interface PredictionCursor {
  time: number;
  id: string;
}

/** Which predictions to list, newest first (time, then id); every filter is asked of the store. */
export interface ListPredictionsQuery {
  deploymentId?: string;
  /** Only those served by this registered model. */
  modelName?: string;
  /** Served at or after: epoch ms, or `1h` / `30m` / `2d` back from now, or an ISO time. */
  since?: number | string;
  /** Served before (not at): the same forms as `since`. */
  until?: number | string;
  /** `ok` (status below 400), `error` (400 and up), or one HTTP status code. */
  status?: PredictionStatusFilter;
  minLatencyMs?: number;
  maxLatencyMs?: number;
  /**
   * The next (older) page: pass the last prediction of the page before,
   * `{ before: { time: last.time, id: last.id } }`; only those after it in newest-first order come.
   */
  before?: PredictionCursor;
  /** 1-10000; 50 by default. */
  limit?: number;
}

export type PredictionStatusFilter = 'ok' | 'error' | number;

/** What a bulk feedback import did: unknown prediction ids are counted, not fatal. */
export interface FeedbackImport {
  recorded: number;
  unknown: number;
  /** The first few unknown ids, for the message. */
  unknownIds: string[];
  invalid: number;
}
