// Prediction log throughput: predictions logged through PredictionLog (queue → batched
// transactions) and persisted to SQLite, in steady state, against the same rows written by the
// raw prepared statement in one loop (the ceiling), measured in the same run.
// Usage: npx tsx bench/prediction-log.ts [predictions=500000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newUuid } from '../src/ids.js';
import { PredictionLog } from '../src/serving/prediction-log/writer.js';
import { PredictionStore } from '../src/serving/prediction-store.js';
import type { Prediction } from '../src/serving/types.js';
import { openStore } from '../src/store/database.js';
import { printBenchResult } from './result.js';

const total = Number(process.argv[2] ?? 500_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-log-'));
const make = (): Prediction => ({ id: newUuid(), deploymentId: 'prod#14', time: Date.now(), method: 'POST', path: '/predict', status: 200, latencyMs: 1.234, requestBody: '{"basket":["dog-toy-rope","dog-bowl"]}', responseBody: '{"recommended_items":["dog-treats","dog-food-lamb","dog-bed","dog-shampoo","dog-leash"]}', truncated: false, modelName: 'amazon-recommender', modelVersion: 7, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40), error: null });

async function ceiling(): Promise<number> {
  const store = await openStore(path.join(dir, 'raw.db'));
  const predictions = new PredictionStore(store);
  const rows = Array.from({ length: total }, make);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 2000) await predictions.insertBatch(rows.slice(i, i + 2000));
  const rate = total / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

async function throughLog(): Promise<{ rate: number; metrics: object }> {
  const store = await openStore(path.join(dir, 'log.db'));
  const predictions = new PredictionStore(store);
  const log = new PredictionLog(predictions, { journalDir: path.join(dir, 'journal') });
  await log.start();
  const rows = Array.from({ length: total }, make);
  const t0 = performance.now();
  // Producers log in bursts and yield, as request handlers do; the flusher runs on its timer.
  for (let i = 0; i < total; i += 1000) {
    for (let j = i; j < i + 1000 && j < total; j++) log.log(rows[j]!);
    await new Promise((r) => setImmediate(r));
  }
  while (log.metrics.written + log.metrics.journaled < total) await new Promise((r) => setTimeout(r, 5));
  // What spilled to the journal (a producer faster than the store fills the queue) is only in the
  // table once replayed: close() does that, so it is inside the measured time.
  await log.close();
  const rate = total / ((performance.now() - t0) / 1000);
  const stored = await predictions.count();
  if (stored !== total) throw new Error(`expected ${total} predictions, found ${stored}`);
  await store.close();
  return { rate, metrics: log.metrics };
}

const raw = await ceiling();
const logged = await throughLog();
console.log(`prediction log → SQLite: ${logged.rate.toFixed(0)} predictions/s persisted (target ≥ 50,000), raw prepared-statement ceiling ${raw.toFixed(0)}/s, ratio ${(logged.rate / raw).toFixed(2)}`);
console.log(`metrics: ${JSON.stringify(logged.metrics)}`);
printBenchResult('prediction-log', { 'logged / raw predictions per s': logged.rate / raw });
