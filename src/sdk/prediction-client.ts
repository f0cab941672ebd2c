import fs from 'node:fs';
import type { PredictionApi } from '../serving/api.js';
import type { PredictionIngestResult, PredictionRecord } from '../serving/ingest/types.js';
import { predictionQueryParams } from './prediction-query.js';
import type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from '../serving/types.js';
import type { HttpTransport } from './http.js';

/** The prediction log and feedback over HTTP. */
export function predictionClient(http: HttpTransport): PredictionApi {
  const client: PredictionApi = {
    /**
     * @example
     * const recent = await tl.listPredictions({ deploymentId: 'prod#4', since: '1h', limit: 100 });
     * // The slow failures of one model yesterday, a page at a time, newest first:
     * const page = await tl.listPredictions({ modelName: 'reco', status: 'error', minLatencyMs: 250, since: '2d', until: '1d', limit: 100 });
     * const older = await tl.listPredictions({ modelName: 'reco', status: 'error', minLatencyMs: 250, since: '2d', until: '1d', limit: 100, before: page.at(-1) });
     */
    async listPredictions(query: ListPredictionsQuery = {}): Promise<Prediction[]> {
      return (await http.call<{ predictions: Prediction[] }>('GET', `/api/predictions?${predictionQueryParams(query)}`)).predictions;
    },

    /**
     * @example
     * const { request, response, feedback } = await tl.getPrediction(predictionId);
     */
    getPrediction(id: string): Promise<PredictionDetail> {
      return http.call('GET', `/api/predictions/${encodeURIComponent(id)}`);
    },

    /**
     * @example
     * await tl.recordFeedback(predictionId, { label: 'dog-toys', source: 'support-ticket' });
     */
    recordFeedback(predictionId: string, feedback: unknown): Promise<Feedback> {
      return http.call('POST', `/api/predictions/${encodeURIComponent(predictionId)}/feedback`, feedback);
    },

    /**
     * @example
     * const { recorded, unknown } = await tl.importFeedback('labels.csv'); // prediction_id,label
     */
    importFeedback(filePath: string): Promise<FeedbackImport> {
      const format = /\.csv$/i.test(filePath) ? 'csv' : 'jsonl';
      return http.call('POST', `/api/feedback?format=${format}`, undefined, { body: fs.createReadStream(filePath) });
    },

    /**
     * @example
     * const { accepted, duplicates, rejected, errors } = await tl.ingestPredictions([
     *   { prediction_id: '0193c1f2-7a3b-7c4d-8e5f-6a7b8c9d0e1f', time: Date.now(), method: 'POST', path: '/predict',
     *     status: 200, latency_ms: 4.2, request_body: '{"basket":["B01"]}', response_body: '{"items":["B07"]}',
     *     deployment_id: 'prod#4', run_id: runId, git_sha: gitSha },
     * ]);
     */
    ingestPredictions(records: readonly PredictionRecord[]): Promise<PredictionIngestResult> {
      // Idempotent by prediction id: safe to retry across an outage.
      return http.call('POST', '/api/predictions:batch', records, undefined, 'json', true);
    },
  };
  return client;
}
