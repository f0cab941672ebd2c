import { Pool } from 'undici';
import { toRecord } from '../ingest/record.js';
import type { PredictionInserter } from '../prediction-log/sqlite-worker.js';
import type { Prediction } from '../types.js';

/**
 * The prediction log's batches sent to a Threadline server's bulk ingest instead of a database:
 * a failure or a slow answer throws, and the log journals the batch and replays it later (the
 * ingest is idempotent by prediction id, so a batch that did land is not written twice).
 */
export class IngestInserter implements PredictionInserter {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(serverUrl: string, token?: string) {
    const url = new URL(serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the Threadline server must be an http(s) URL, got '${serverUrl}'`);
    this.pool = new Pool(url.origin, { connections: 4, keepAliveTimeout: 30_000 });
    this.path = `${url.pathname.replace(/\/+$/, '')}/api/predictions:batch`;
    this.headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  async insertBatch(records: readonly Prediction[]): Promise<void> {
    const response = await this.pool.request({ method: 'POST', path: this.path, headers: this.headers, body: JSON.stringify(records.map(toRecord)) });
    const text = await response.body.text();
    if (response.statusCode !== 202) throw new Error(`ingest answered ${response.statusCode}: ${text.slice(0, 200)}`);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
