// Log-batch of 1,000 metrics through the HTTP API into SQLite, against raw better-sqlite3 batched
// inserts of the same rows into the same tables, measured in the same run.
// Usage: npx tsx bench/log-batch.ts [batches]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { ThreadlineClient } from '../src/sdk/client.js';
import { printBenchResult } from './result.js';

const batches = Number(process.argv[2] ?? 300);
const perBatch = 1000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-'));
const config = (name: string) => ({ databaseUrl: path.join(dir, `${name}.db`), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });

function makeBatch(b: number) {
  const now = Date.now();
  return Array.from({ length: perBatch }, (_, i) => ({ key: `metric_${i % 100}`, value: Math.sin(b * perBatch + i), timestamp: now + i, step: b * 10 + Math.floor(i / 100) }));
}

async function raw(): Promise<number> {
  const tl = await openThreadline(config('raw'));
  const run = await tl.runs.create();
  const db = tl.store.sqlite!;
  const insert = db.prepare('INSERT OR IGNORE INTO metrics (run_id, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  const latest = db.prepare(
    `INSERT INTO latest_metrics (run_id, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)
     ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step
     WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)`,
  );
  const write = db.transaction((rows: ReturnType<typeof makeBatch>) => {
    for (const m of rows) insert.run(run.runId, m.key, m.value, m.timestamp, m.step);
    for (const m of rows) latest.run(run.runId, m.key, m.value, m.timestamp, m.step);
  });
  const data = Array.from({ length: batches }, (_, b) => makeBatch(b));
  const start = process.hrtime.bigint();
  for (const rows of data) write(rows);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await tl.close();
  return (batches * perBatch) / seconds;
}

async function api(): Promise<{ rate: number; p50: number }> {
  const tl = await openThreadline(config('api'));
  const { app, url } = await startServer(tl, '127.0.0.1', 0);
  const client = new ThreadlineClient(url);
  const run = await client.createRun({});
  const data = Array.from({ length: batches }, (_, b) => makeBatch(b));
  await client.logBatch(run.runId, { metrics: makeBatch(batches + 1) }); // warm up
  const times: number[] = [];
  const start = process.hrtime.bigint();
  for (const metrics of data) {
    const t = process.hrtime.bigint();
    await client.logBatch(run.runId, { metrics });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stored = await tl.store.db.selectFrom('metrics').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(stored.n) !== (batches + 1) * perBatch) throw new Error(`expected ${(batches + 1) * perBatch} metric rows, found ${stored.n}`);
  await client.close();
  await app.close();
  await tl.close();
  times.sort((a, b) => a - b);
  return { rate: (batches * perBatch) / seconds, p50: times[Math.floor(times.length / 2)]! };
}

const rawRate = await raw();
const apiResult = await api();
console.log(`log-batch: ${batches} batches x ${perBatch} metrics into SQLite`);
console.log(`  raw better-sqlite3 (prepared, one transaction per batch): ${Math.round(rawRate).toLocaleString()} metrics/s`);
console.log(`  Threadline HTTP API over loopback (POST /api/runs/:id/batch): ${Math.round(apiResult.rate).toLocaleString()} metrics/s, p50 ${apiResult.p50.toFixed(2)} ms per batch`);
console.log(`  ratio API / raw: ${(apiResult.rate / rawRate).toFixed(2)}  (target >= 0.50)`);
printBenchResult('log-batch', { 'API / raw metrics per s': apiResult.rate / rawRate });
fs.rmSync(dir, { recursive: true, force: true });
