// What ingest (src/ingest-mlflow) adds to MLflow requests, over loopback HTTP into SQLite:
// runs/create with a Databricks job's git and job tags (code version + external ids made) against
// runs/create with as many tags ingest ignores, and runs/log-inputs of one Delta dataset (a data
// version made) against runs/log-batch of the same tag. Interleaved halves, same server, same run.
// Usage: npx tsx bench/mlflow-ingest.ts [calls=400]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { printBenchResult } from './result.js';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { datasetTagKey } from '../src/ingest-mlflow/dataset-inputs.js';

const calls = Number(process.argv[2] ?? 400);
const warmup = 50;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-'));
const tl = await openThreadline({ databaseUrl: path.join(dir, 'bench.db'), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
const { app, url } = await startServer(tl, '127.0.0.1', 0);
const pool = new Pool(url, { connections: 1 });

async function call(urlPath: string, body: unknown): Promise<string> {
  const response = await pool.request({ method: 'POST', path: `/api/2.0/mlflow/${urlPath}`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${urlPath}: ${response.statusCode} ${text}`);
  return text;
}

async function measure(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

const p50 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
const kv = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));
const provenance = (i: number) => ({
  'mlflow.source.git.commit': (i % 16).toString(16).repeat(40),
  'mlflow.source.git.repoURL': 'https://x-access-token:ghp_x@github.com/acme/reco.git',
  'mlflow.source.git.branch': 'main',
  'mlflow.databricks.jobID': '42',
  'mlflow.databricks.jobRunID': String(i),
  'mlflow.databricks.workspaceURL': 'adb-1.azuredatabricks.net',
  DBR_JOB_ID: '42',
  DBR_RUN_ID: String(i),
});
const plain = (i: number) => Object.fromEntries(Object.entries(provenance(i)).map(([k, v], n) => [`team.tag${n}`, v || k]));
const dataset = (i: number) => ({
  tags: [{ key: 'mlflow.data.context', value: 'training' }],
  dataset: { name: 'main.reco.orders', digest: (i % 65536).toString(16).padStart(8, '0'), source_type: 'delta_table', source: JSON.stringify({ delta_table_name: 'main.reco.orders', delta_table_version: i }), profile: '{"num_rows": 1000}' },
});

try {
  const runId = JSON.parse(await call('runs/create', { experiment_id: '0' })).run.info.run_id as string;
  const createWith = (tags: Record<string, string>) => call('runs/create', { experiment_id: '0', tags: kv(tags) });
  const logInputs = (i: number) => call('runs/log-inputs', { run_id: runId, datasets: [dataset(i)] });
  const sameTag = (i: number) => call('runs/log-batch', { run_id: runId, tags: [{ key: datasetTagKey(dataset(i + 1_000_000).dataset), value: JSON.stringify(dataset(i)) }] });

  await measure(warmup, (i) => createWith(provenance(i)));
  await measure(warmup, (i) => createWith(plain(i)));
  const ingestCreate: number[] = [];
  const plainCreate: number[] = [];
  const ingestInputs: number[] = [];
  const plainInputs: number[] = [];
  for (let half = 0; half < 2; half++) {
    ingestCreate.push(...(await measure(calls / 2, (i) => createWith(provenance(i)))));
    plainCreate.push(...(await measure(calls / 2, (i) => createWith(plain(i)))));
    ingestInputs.push(...(await measure(calls / 2, (i) => logInputs(half * calls + i))));
    plainInputs.push(...(await measure(calls / 2, (i) => sameTag(half * calls + i))));
  }
  const codeVersions = await tl.store.db.selectFrom('code_versions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(codeVersions.n) !== 16) throw new Error(`expected 16 code versions, found ${codeVersions.n}`);

  console.log(`MLflow ingest, ${calls} calls each after ${warmup} warm-up, SQLite, loopback keep-alive`);
  console.log(`  runs/create, 8 git/job tags (ingested)  p50 ${p50(ingestCreate).toFixed(3)} ms`);
  console.log(`  runs/create, 8 other tags (baseline)    p50 ${p50(plainCreate).toFixed(3)} ms   ratio ${(p50(ingestCreate) / p50(plainCreate)).toFixed(2)}`);
  console.log(`  runs/log-inputs, 1 Delta dataset        p50 ${p50(ingestInputs).toFixed(3)} ms`);
  console.log(`  runs/log-batch, the same tag (baseline) p50 ${p50(plainInputs).toFixed(3)} ms   ratio ${(p50(ingestInputs) / p50(plainInputs)).toFixed(2)}`);
  printBenchResult('mlflow-ingest', { 'runs/create ingested / plain': p50(ingestCreate) / p50(plainCreate), 'log-inputs / log-batch': p50(ingestInputs) / p50(plainInputs) });
} finally {
  await pool.close();
  await app.close();
  await tl.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
