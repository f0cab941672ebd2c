import { Pool } from 'undici';
import { toRecord } from '../ingest/record.js';
import { InsertRefused, refusesForGood } from '../prediction-log/refused.js';
import type { PredictionInserter } from '../prediction-log/sqlite-worker.js';
import type { Prediction } from '../types.js';

/**
 * Characters of one POST: well under the server's 16 MiB batch limit whatever the bodies (at most
 * 3 bytes each in UTF-8, so under 12 MiB), and a batch of 2,000 records with 64 KiB bodies is split.
 */
const maxPostChars = 4 * 1024 * 1024;

/**
 * The prediction log's batches sent to a Threadline server's bulk ingest instead of a database:
 * a failure or a slow answer throws, and the log journals the batch and replays it later (the
 * ingest is idempotent by prediction id, so a batch that did land is not written twice). A 4xx
 * other than 408/429 (a bad token, a wrong URL) throws InsertRefused, which the log retries with
 * backoff instead of every `retryMs`.
 */
export class IngestInserter implements PredictionInserter {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  /** Where the batches go, as a log line may name it: no credentials, no query. */
  private readonly where: string;

  constructor(
    serverUrl: string,
    private readonly token?: string,
  ) {
    const url = new URL(serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the Threadline server must be an http(s) URL, got '${url.protocol}//${url.host}'`);
    this.pool = new Pool(url.origin, { connections: 4, keepAliveTimeout: 30_000 });
    this.path = `${url.pathname.replace(/\/+$/, '')}/api/predictions:batch`;
    this.where = `${url.origin}${this.path}`;
    this.headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  async insertBatch(records: readonly Prediction[]): Promise<void> {
    // Records joined into arrays of at most maxPostChars (one larger record goes alone).
    let parts: string[] = [];
    let size = 0;
    for (const p of records) {
      const json = JSON.stringify(toRecord(p));
      if (parts.length > 0 && size + json.length + 1 > maxPostChars) {
        await this.post(parts);
        parts = [];
        size = 0;
      }
      parts.push(json);
      size += json.length + 1;
    }
    if (parts.length > 0) await this.post(parts);
  }

  private async post(parts: string[]): Promise<void> {
    const response = await this.pool.request({ method: 'POST', path: this.path, headers: this.headers, body: `[${parts.join(',')}]` });
    const text = await response.body.text();
    if (response.statusCode === 202) return;
    const reason = this.reason(text);
    if (refusesForGood(response.statusCode)) {
      const hint = response.statusCode === 401 || response.statusCode === 403 ? ' (check the token: THREADLINE_TOKEN, or the middleware\'s token option)' : response.statusCode === 404 ? ' (check the server URL: THREADLINE_URL)' : '';
      throw new InsertRefused(`${this.where} answered ${response.statusCode}${reason}${hint}`, response.statusCode);
    }
    throw new Error(`ingest answered ${response.statusCode}${reason}`);
  }

  /** The server's `{error_code, message}` as `: CODE: message`, short, and never with the token in it. */
  private reason(text: string): string {
    let said = text.slice(0, 300);
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof body.error_code === 'string' || typeof body.message === 'string') said = [body.error_code, body.message].filter((v) => typeof v === 'string').join(': ');
    } catch {
      // not JSON: the text as it came
    }
    if (this.token) said = said.replaceAll(this.token, '[REDACTED]');
    said = said.replace(/\s+/g, ' ').trim();
    return said === '' ? '' : `: ${said.slice(0, 300)}`;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
