import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../../test/dialects.js';
import { openStore, type Store } from '../../store/database.js';
import { PredictionStore } from '../prediction-store.js';
import { blockStore, prediction, waitFor } from '../testing.js';
import { SqliteInsertWorker } from './sqlite-worker.js';
import { PredictionLog } from './writer.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

// SQLite only: on PostgreSQL the store's inserts are already asynchronous.
async function setup() {
  const url = await freshDatabaseUrl('sqlite');
  const store: Store = await openStore(url);
  closers.push(() => store.close());
  const worker = new SqliteInsertWorker(store.sqlite!.name);
  closers.push(() => worker.close());
  return { url, store, predictions: new PredictionStore(store), worker };
}

describe('SQLite insert worker', () => {
  it('writes predictions that read back exactly through the store, idempotently', async () => {
    const { predictions, worker } = await setup();
    const rows = Array.from({ length: 257 }, (_, i) => prediction({ truncated: i % 2 === 0, requestBody: i % 3 === 0 ? null : `{"i":${i}}`, error: i === 5 ? 'boom' : null, modelVersion: i % 4 === 0 ? null : i }));
    await worker.insertBatch(rows);
    await worker.insertBatch(rows.slice(0, 120));
    expect(await predictions.count()).toBe(257);
    for (const i of [0, 5, 99, 100, 256]) expect(await predictions.get(rows[i]!.id)).toEqual(rows[i]);
  });

  it('fails fast while another connection holds the lock, and writes again once it is released', async () => {
    const { url, predictions, worker } = await setup();
    const release = await blockStore(url, 'sqlite');
    const started = performance.now();
    await expect(worker.insertBatch([prediction()])).rejects.toThrow(/locked|busy/i);
    expect(performance.now() - started).toBeLessThan(2000);
    await release();
    await worker.insertBatch([prediction()]);
    expect(await predictions.count()).toBe(1);
  });

  it('carries the prediction log: spills to the journal while the store is locked, replays once it is back', { timeout: 30_000 }, async () => {
    const { url, predictions, worker } = await setup();
    const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-journal-'));
    const log = new PredictionLog(worker, { journalDir, slowMs: 1000, retryMs: 200, flushIntervalMs: 20 });
    await log.start();
    for (let i = 0; i < 100; i++) log.log(prediction());
    await log.flush();
    const release = await blockStore(url, 'sqlite');
    for (let i = 0; i < 400; i++) log.log(prediction());
    await log.flush();
    expect(log.degraded).toBe(true);
    expect(log.metrics.journaled).toBeGreaterThan(0);
    await release();
    await waitFor(() => !log.degraded);
    await log.close();
    expect(await predictions.count()).toBe(500);
    expect(fs.readdirSync(journalDir)).toEqual([]);
  });
});
