// MLflow LogBatch of 10 metrics, end to end over loopback HTTP into SQLite, as MLflow's Python
// client sends it (one keep-alive connection, JSON body), against GET /api/health/live on the same
// server and connection in the same run: the floor that HTTP and Fastify alone cost.
// Usage: npx tsx bench/mlflow-log-batch.ts [calls=2000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { printBenchResult } from './result.js';

const calls = Number(process.argv[2] ?? 2000);
const warmup = 200;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-'));
const tl = await openThreadline({ databaseUrl: path.join(dir, 'bench.db'), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
const { app, url } = await startServer(tl, '127.0.0.1', 0);
const pool = new Pool(url, { connections: 1 });

async function call(method: 'GET' | 'POST', urlPath: string, body?: string): Promise<void> {
  const response = await pool.request({ method, path: urlPath, body, headers: body ? { 'content-type': 'application/json' } : {} });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${method} ${urlPath}: ${response.statusCode} ${text}`);
}

async function measure(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

try {
  const created = await pool.request({ method: 'POST', path: '/api/2.0/mlflow/runs/create', body: '{"experiment_id":"0"}', headers: { 'content-type': 'application/json' } });
  const runId = ((await created.body.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
  const batch = (i: number) => {
    const now = Date.now();
    const metrics = Array.from({ length: 10 }, (_, k) => ({ key: `metric_${k}`, value: Math.sin(i + k), timestamp: now, step: i }));
    return JSON.stringify({ run_id: runId, metrics, params: [], tags: [] });
  };
  const logBatch = (i: number) => call('POST', '/api/2.0/mlflow/runs/log-batch', batch(i));
  const health = () => call('GET', '/api/health/live');

  await measure(warmup, logBatch);
  await measure(warmup, health);
  // Interleaved halves, so drift in CPU frequency or page cache hits both sides alike.
  const ours: number[] = [];
  const floor: number[] = [];
  for (let half = 0; half < 2; half++) {
    ours.push(...(await measure(calls / 2, (i) => logBatch(warmup + half * calls + i))));
    floor.push(...(await measure(calls / 2, health)));
  }
  ours.sort((a, b) => a - b);
  floor.sort((a, b) => a - b);

  const stored = await tl.store.db.selectFrom('metrics').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow();
  if (Number(stored.n) !== (warmup + calls) * 10) throw new Error(`expected ${(warmup + calls) * 10} metric rows, found ${stored.n}`);

  console.log(`MLflow runs/log-batch, 10 metrics per call, ${calls} calls after ${warmup} warm-up, SQLite, loopback keep-alive`);
  console.log(`  log-batch    p50 ${pct(ours, 0.5).toFixed(3)} ms   p95 ${pct(ours, 0.95).toFixed(3)} ms   (target p50 < 2 ms)`);
  console.log(`  GET /api/health/live p50 ${pct(floor, 0.5).toFixed(3)} ms   p95 ${pct(floor, 0.95).toFixed(3)} ms   (same-run baseline)`);
  console.log(`  ratio log-batch p50 / health p50: ${(pct(ours, 0.5) / pct(floor, 0.5)).toFixed(2)}`);
  printBenchResult('mlflow-log-batch', { 'log-batch p50 / health p50': pct(ours, 0.5) / pct(floor, 0.5) });
} finally {
  await pool.close();
  await app.close();
  await tl.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
