import type { PredictionIngestResult, PredictionRecord } from './ingest/types.js';
import type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from './types.js';

/** The prediction log and its feedback: the serving part of the ThreadlineApi contract. */
export interface PredictionApi {
  /** The prediction log, newest first. */
  listPredictions(query?: ListPredictionsQuery): Promise<Prediction[]>;
  /** A prediction with its request, response, latency, status and feedback. NOT_FOUND when absent. */
  getPrediction(id: string): Promise<PredictionDetail>;
  /** Ground truth for a prediction: `{label}` (or `value`, or any object). */
  recordFeedback(predictionId: string, feedback: unknown): Promise<Feedback>;
  /** A JSONL or CSV file of feedback (`prediction_id` plus label); unknown ids are counted, not fatal. */
  importFeedback(filePath: string): Promise<FeedbackImport>;
  /**
   * Predictions logged elsewhere (a middleware, a batch job): each record checked on its own, ids
   * already logged counted as duplicates and left alone (a resend is harmless). Over HTTP a request
   * past the server's batch limit (16 MiB) is refused whole: 413 TOO_LARGE.
   */
  ingestPredictions(records: readonly PredictionRecord[]): Promise<PredictionIngestResult>;
}
