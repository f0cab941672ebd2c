import { z } from 'zod';
import { invalidArgument, notFound, parseWith } from '../errors.js';
import { uuidPattern } from '../ids.js';
import { resolveIdWith } from '../lineage/resolve.js';
import type { Store } from '../store/database.js';
import { AuditLog, type AuditSink } from '../identity/audit-log.js';
import { predictionResolver } from './lineage.js';
import { parseFeedback, fromObject, type FeedbackLine } from './feedback-parse.js';
import { PredictionStore } from './prediction-store.js';
import { parseSince } from '../duration.js';
import type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from './types.js';

const statusMessage = "takes 'ok' (below 400), 'error' (400 and up) or an HTTP status code (100-599)";
const timeInput = z.union([z.number().int().nonnegative(), z.string().trim().min(1)], { error: 'takes epoch ms, a duration back from now (30m, 1h, 2d) or an ISO time' });
const latency = z.number({ error: 'takes milliseconds, a number' }).nonnegative('takes milliseconds, 0 or more');
/** The most predictions one list call returns. */
export const maxPredictionListLimit = 10_000;

/** A prediction list query as any caller may send it: checked once, here, for every front (HTTP, SDK, CLI, UI). */
const listQuery = z.object({
  deploymentId: z.string().max(128).optional(),
  modelName: z.string().max(256).optional(),
  since: timeInput.optional(),
  until: timeInput.optional(),
  status: z.union([z.enum(['ok', 'error']), z.number().int(statusMessage).min(100, statusMessage).max(599, statusMessage)], { error: statusMessage }).optional(),
  minLatencyMs: latency.optional(),
  maxLatencyMs: latency.optional(),
  before: z
    .object(
      {
        time: z.number({ error: 'takes TIME:ID, the time (epoch ms) and id of the last prediction of the page before' }).int().nonnegative(),
        id: z.string().min(1, 'takes TIME:ID, the time (epoch ms) and id of the last prediction of the page before').max(64),
      },
      { error: 'takes {time, id} of the last prediction of the page before' },
    )
    .optional(),
  limit: z.number({ error: 'takes a whole number 1-10000' }).int('takes a whole number 1-10000').min(1, 'takes a whole number 1-10000').max(maxPredictionListLimit, 'takes a whole number 1-10000').default(50),
});

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

  /** Newest first, every filter asked of the store; `before` pages on (older). Bad input: INVALID_ARGUMENT naming the field. */
  async list(query: ListPredictionsQuery = {}): Promise<Prediction[]> {
    // An empty string is no filter, as an empty form field or flag leaves it.
    const given = query && typeof query === 'object' ? Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '')) : query;
    const q = parseWith(listQuery, given, 'prediction query');
    const time = (value: number | string | undefined, what: string) => (value === undefined ? undefined : parseSince(value, Date.now(), what));
    return this.predictions.list({
      deploymentId: q.deploymentId,
      modelName: q.modelName,
      since: time(q.since, '--since'),
      until: time(q.until, '--until'),
      status: q.status,
      minLatencyMs: q.minLatencyMs,
      maxLatencyMs: q.maxLatencyMs,
      before: q.before,
      limit: q.limit,
    });
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
