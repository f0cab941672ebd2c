import { unavailable } from '../../errors.js';
import type { PredictionStore } from '../prediction-store.js';
import type { Prediction } from '../types.js';
import { UnparsedLine } from './ndjson.js';
import { parseRecord } from './record.js';
import type { PredictionIngestResult } from './types.js';

/** Bytes of one batch request (JSON array or NDJSON); a larger one is a 413. */
export const defaultMaxBatchBytes = 16 * 1024 * 1024;
// Per-record complaints kept in the answer; the rest are only counted.
const shownErrors = 20;
const writeEvery = 2_000;
// A write waits this long on a SQLite lock before the batch is refused with 503 (the client retries).
const sqliteWaitMs = 5_000;

/**
 * Bulk ingest of predictions logged elsewhere (the Python and Node middlewares, any other
 * client): each record is checked on its own, so that bad ones are reported by position while
 * the good ones are written; ids already logged (a retry, a replayed spool) are counted as
 * duplicates and left as they were, which makes a resent batch harmless.
 */
export class PredictionIngest {
  constructor(
    private readonly predictions: Pick<PredictionStore, 'insertBatch'>,
    readonly maxBatchBytes = defaultMaxBatchBytes,
  ) {}

  /**
   * Every record is read and checked before anything is written, so that a body cut off by the
   * size limit (or a broken stream) writes nothing and can simply be resent whole.
   */
  async ingest(records: Iterable<unknown> | AsyncIterable<unknown>): Promise<PredictionIngestResult> {
    const result: PredictionIngestResult = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
    const valid: Prediction[] = [];
    const seen = new Set<string>();
    let index = 0;
    for await (const value of records) {
      const parsed = value instanceof UnparsedLine ? { invalid: value.message } : parseRecord(value);
      if ('invalid' in parsed) {
        result.rejected++;
        if (result.errors.length < shownErrors) result.errors.push({ index, message: parsed.invalid });
      } else if (seen.has(parsed.prediction.id)) {
        result.duplicates++;
      } else {
        seen.add(parsed.prediction.id);
        valid.push(parsed.prediction);
      }
      index++;
    }
    for (let i = 0; i < valid.length; i += writeEvery) {
      const batch = valid.length <= writeEvery ? valid : valid.slice(i, i + writeEvery);
      let inserted: number;
      try {
        // Insert-or-ignore: ids already logged (or resent concurrently) are skipped by the insert
        // itself, and what it did not insert is counted as a duplicate.
        inserted = await this.predictions.insertBatch(batch, sqliteWaitMs);
      } catch (error) {
        throw unavailable(`the prediction log could not be written (${(error as Error).message}); ${result.accepted} records were written before it, resend the batch`);
      }
      result.accepted += inserted;
      result.duplicates += batch.length - inserted;
    }
    return result;
  }
}
