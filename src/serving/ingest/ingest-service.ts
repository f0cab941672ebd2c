import { unavailable } from '../../errors.js';
import type { PredictionStore } from '../prediction-store.js';
import type { Prediction } from '../types.js';
import { ndjsonChunks, UnparsedLine } from './ndjson.js';
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
    const checked = new Checked();
    // An array (a parsed JSON body) is read in one loop, without a promise per record.
    if (Symbol.asyncIterator in records) for await (const value of records) checked.add(value);
    else for (const value of records) checked.add(value);
    return this.write(checked);
  }

  /** An NDJSON body, read as it arrives, within the batch limit (TOO_LARGE past it, nothing written). */
  async ingestNdjson(input: AsyncIterable<Uint8Array | string>): Promise<PredictionIngestResult> {
    const checked = new Checked();
    for await (const values of ndjsonChunks(input, this.maxBatchBytes)) for (const value of values) checked.add(value);
    return this.write(checked);
  }

  private async write({ result, valid }: Checked): Promise<PredictionIngestResult> {
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

/** The records of one batch as they are checked: the valid ones (each id once), and the counts. */
class Checked {
  readonly result: PredictionIngestResult = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  readonly valid: Prediction[] = [];
  private readonly seen = new Set<string>();
  private index = 0;

  add(value: unknown): void {
    const parsed = value instanceof UnparsedLine ? { invalid: value.message } : parseRecord(value);
    if ('invalid' in parsed) {
      this.result.rejected++;
      if (this.result.errors.length < shownErrors) this.result.errors.push({ index: this.index, message: parsed.invalid });
    } else if (this.seen.has(parsed.prediction.id)) {
      this.result.duplicates++;
    } else {
      this.seen.add(parsed.prediction.id);
      this.valid.push(parsed.prediction);
    }
    this.index++;
  }
}
