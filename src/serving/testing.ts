import SQLite from 'better-sqlite3';
import pg from 'pg';
import { newUuid } from '../ids.js';
import type { Prediction } from './types.js';

export function prediction(overrides: Partial<Prediction> = {}): Prediction {
  return { id: newUuid(), deploymentId: 'prod#1', time: Date.now(), method: 'POST', path: '/predict', status: 200, latencyMs: 1.5, requestBody: '{"basket":["x"]}', responseBody: '{"predictions":[]}', truncated: false, modelName: 'reco', modelVersion: 1, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40), error: null, ...overrides };
}

/** Makes the store refuse the log's inserts: an exclusive SQLite lock or a PostgreSQL table lock. */
export async function blockStore(url: string, dialect: string): Promise<() => Promise<void>> {
  if (dialect === 'sqlite') {
    const other = new SQLite(url);
    other.exec('BEGIN EXCLUSIVE');
    return async () => {
      other.exec('COMMIT');
      other.close();
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE predictions IN ACCESS EXCLUSIVE MODE');
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
