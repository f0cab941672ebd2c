import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openStore, type Store } from '../../store/database.js';
import { PredictionStore } from '../prediction-store.js';
import { blockStore, prediction, waitFor } from '../testing.js';
import { SqliteInsertWorker } from './sqlite-worker.js';
import { PredictionLog } from './writer.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe.each(dialects)('prediction log writer on %s', (dialect) => {
  async function setup(options: { capacity?: number } = {}) {
    const url = await freshDatabaseUrl(dialect);
    const store = await openStore(url);
    stores.push(store);
    const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-journal-'));
    const predictions = new PredictionStore(store);
    const log = new PredictionLog(predictions, { journalDir, slowMs: 1000, retryMs: 200, flushIntervalMs: 20, ...options });
    await log.start();
    return { url, store, predictions, log, journalDir };
  }

  it('writes the queue in batches, idempotently', async () => {
    const { predictions, log } = await setup();
    const all = Array.from({ length: 5000 }, () => prediction());
    for (const p of all) log.log(p);
    await log.flush();
    expect(await predictions.count()).toBe(5000);
    await predictions.insertBatch(all.slice(0, 10));
    expect(await predictions.count()).toBe(5000);
    expect(await predictions.get(all[7]!.id)).toEqual(all[7]);
    await log.close();
    // A batch slower than the fsync interval is journaled too (and replayed idempotently).
    expect(log.metrics).toMatchObject({ queued: 5000, written: 5000, dropped: 0, replayed: log.metrics.journaled });
  });

  it('spills to the journal while the store is locked, then replays it when the store is back', { timeout: 30_000 }, async () => {
    const { url, predictions, log, journalDir } = await setup();
    for (let i = 0; i < 100; i++) log.log(prediction());
    await log.flush();
    const release = await blockStore(url, dialect);
    for (let i = 0; i < 900; i++) log.log(prediction());
    await log.flush();
    expect(log.degraded).toBe(true);
    expect(log.metrics.journaled).toBeGreaterThan(0);
    expect(fs.readdirSync(journalDir).some((f) => f.endsWith('.jsonl'))).toBe(true);
    await release();
    await new Promise((r) => setTimeout(r, 300));
    // the store is back: the next flush replays the journal before writing
    for (let i = 0; i < 100; i++) log.log(prediction());
    // The flusher retries the store every retryMs, replaying the journal, in the background.
    await waitFor(() => !log.degraded);
    await log.flush();
    expect(await predictions.count()).toBe(1100);
    expect(log.metrics.replayed).toBe(log.metrics.journaled);
    await log.close();
    expect(fs.readdirSync(journalDir)).toEqual([]);
    expect(log.metrics.dropped).toBe(0);
  });

  it('spills to the journal rather than drop when the queue is full, and replays on the next start', async () => {
    const { store, predictions, log, journalDir } = await setup({ capacity: 10 });
    for (let i = 0; i < 50; i++) log.log(prediction());
    expect(log.metrics.journaled).toBe(40);
    await log.flush();
    // A restart (here: a second writer on the same journal folder) replays what was spilled.
    const again = new PredictionLog(new PredictionStore(store), { journalDir });
    (log as unknown as { journal: { rotate(): void } }).journal.rotate();
    await again.start();
    expect(await predictions.count()).toBe(50);
    await again.close();
    await log.close();
  });

  it('lands at shutdown what it journaled while the store was locked, waiting past the request-path budget', { timeout: 30_000 }, async () => {
    const url = await freshDatabaseUrl(dialect);
    const store = await openStore(url);
    stores.push(store);
    const predictions = new PredictionStore(store);
    // As `serve` and `proxy` run it: on a SQLite file the batches go through the worker thread.
    const inserter = dialect === 'sqlite' ? new SqliteInsertWorker(url) : predictions;
    const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-journal-'));
    const log = new PredictionLog(inserter, { journalDir, slowMs: 200, retryMs: 60_000, flushIntervalMs: 20 });
    await log.start();
    const release = await blockStore(url, dialect);
    const logged = Array.from({ length: 10 }, () => prediction());
    for (const p of logged) log.log(p);
    await log.flush();
    expect(log.degraded).toBe(true);
    // The lock outlasts the 200 ms budget of every request-path insert, not the shutdown's.
    const released = new Promise<void>((resolve) => setTimeout(() => void release().then(resolve), 800));
    await log.close();
    await released;
    await (inserter as { close?(): Promise<void> }).close?.();
    expect(await predictions.count()).toBe(10);
    expect(await predictions.get(logged[3]!.id)).toEqual(logged[3]);
    expect(fs.readdirSync(journalDir)).toEqual([]);
  });
});

describe('PredictionStore.insertBatch on SQLite', () => {
  it('keeps its statement journals in memory for the insert only, and inserts inside an open transaction too', async () => {
    const store = await openStore(await freshDatabaseUrl('sqlite'));
    stores.push(store);
    const raw = store.sqlite!;
    const predictions = new PredictionStore(store);
    const before = raw.pragma('temp_store', { simple: true });
    // Past one multi-row statement, so that a statement journal is written.
    expect(await predictions.insertBatch(Array.from({ length: 250 }, () => prediction()))).toBe(250);
    expect(raw.pragma('temp_store', { simple: true })).toBe(before);
    raw.exec('BEGIN');
    try {
      expect(await predictions.insertBatch(Array.from({ length: 250 }, () => prediction()))).toBe(250);
      expect(raw.pragma('temp_store', { simple: true })).toBe(before);
    } finally {
      raw.exec('COMMIT');
    }
    expect(await predictions.count()).toBe(500);
  });
});
