import { invalidArgument, notFound } from '../errors.js';
import { uuidPattern } from '../ids.js';
import { resolveIdWith } from '../lineage/resolve.js';
import type { Store } from '../store/database.js';
import { AuditLog, type AuditSink } from '../identity/audit-log.js';
import { predictionResolver } from './lineage.js';
import { parseFeedback, fromObject, type FeedbackLine } from './feedback-parse.js';
import { PredictionStore } from './prediction-store.js';
import { parseSince } from '../duration.js';
import type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from './types.js';

const batchSize = 500;
const shownUnknown = 5;

/** The prediction log as read by people: list, show, and ground truth joined to predictions. */
export class PredictionService {
  private readonly predictions: PredictionStore;
  private readonly db: Store['db'];

  constructor(
    store: Store,
    private readonly audit: AuditSink = new AuditLog(store),
  ) {
    this.predictions = new PredictionStore(store);
    this.db = store.db;
  }

  async list(query: ListPredictionsQuery = {}): Promise<Prediction[]> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalidArgument(`limit must be 1-10000, got '${query.limit}'`);
    const since = query.since === undefined || query.since === '' ? undefined : parseSince(query.since);
    return this.predictions.list({ deploymentId: query.deploymentId || undefined, since, limit });
  }

  /** By id or short form (`predictions show 8310db3a`). */
  async get(typed: string): Promise<PredictionDetail> {
    const id = uuidPattern.test(typed) ? typed : await resolveIdWith(predictionResolver, { db: this.db }, typed, 'Prediction');
    const prediction = await this.predictions.get(id);
    if (!prediction) throw notFound(`Prediction ${id} not found`, { id });
    return { ...prediction, feedback: await this.predictions.feedbackOf(id) };
  }

  /** Ground truth for one prediction: the body's `label` (or `value`, `ground_truth`, or the body). */
  async recordFeedback(id: string, body: unknown, source: string | null = null): Promise<Feedback> {
    const line = fromObject({ ...(body !== null && typeof body === 'object' && !Array.isArray(body) ? body : { label: body }), prediction_id: id });
    if ('invalid' in line) throw invalidArgument(`feedback: ${line.invalid}`);
    if ((await this.predictions.existing([id])).size === 0) throw notFound(`Prediction ${id} not found`, { id });
    const feedback = { predictionId: id, label: line.label, time: Date.now(), source: line.source ?? source };
    await this.predictions.addFeedback([feedback]);
    await this.audit.record({ action: 'feedback.record', subjectType: 'prediction', subjectId: id, after: { source: feedback.source } });
    return feedback;
  }

  /** A JSONL or CSV stream of feedback, in batches; unknown ids are counted and skipped. */
  async importFeedback(input: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, format: 'jsonl' | 'csv', source: string | null = null): Promise<FeedbackImport> {
    const result: FeedbackImport = { recorded: 0, unknown: 0, unknownIds: [], invalid: 0 };
    let batch: Exclude<FeedbackLine, { invalid: string }>[] = [];
    const write = async () => {
      const known = await this.predictions.existing([...new Set(batch.map((f) => f.predictionId))]);
      const time = Date.now();
      const rows: Feedback[] = [];
      for (const f of batch) {
        if (known.has(f.predictionId)) rows.push({ predictionId: f.predictionId, label: f.label, time, source: f.source ?? source });
        else {
          result.unknown++;
          if (result.unknownIds.length < shownUnknown) result.unknownIds.push(f.predictionId);
        }
      }
      await this.predictions.addFeedback(rows);
      result.recorded += rows.length;
      batch = [];
    };
    try {
      for await (const line of parseFeedback(input, format)) {
        if ('invalid' in line) result.invalid++;
        else batch.push(line);
        if (batch.length >= batchSize) await write();
      }
    } catch (error) {
      throw invalidArgument(`feedback: ${(error as Error).message}`);
    }
    await write();
    // One record per import, not per line: an import can hold millions.
    await this.audit.record({ action: 'feedback.import', subjectType: 'feedback', subjectId: source ?? format, after: { format, recorded: result.recorded, unknown: result.unknown, invalid: result.invalid } });
    return result;
  }
}

/** `csv` for .csv files or text/csv, else JSON lines. */
export function feedbackFormat(nameOrType: string | undefined): 'jsonl' | 'csv' {
  return /csv/i.test(nameOrType ?? '') ? 'csv' : 'jsonl';
}
