// Lineage speed (issue 5, Speed): with N predictions (default 10M), 100,000 runs and 10,000 model
// versions in SQLite, time prediction → full upstream chain (target p95 < 5 ms) and "how many
// predictions came from data snapshot X" (target < 200 ms), through TraceService and, separately,
// the bare walk/count queries it runs (no resolve, no describe). Same-run baseline: p50 of a
// primary-key lookup on predictions.
// Usage: npx tsx bench/lineage.ts [predictions=10000000]
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openThreadline } from '../src/context.js';
import { TraceService } from '../src/lineage/trace.js';
import { countReachable, walk } from '../src/lineage/walk-store.js';
import { predictionLeaves } from '../src/serving/lineage.js';
import { printBenchResult } from './result.js';

const nPredictions = Number(process.argv[2] ?? 10_000_000);
const nRuns = 100_000;
const nData = 200;
const nCode = 1_000;
const nModels = 100;
const versionsPerModel = 100;
const nModelVersions = nModels * versionsPerModel;
const nEnvs = 20;
const nDeployments = 2_000;
const batch = 50_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-lineage-'));
const dbFile = path.join(dir, 't.db');
const tl = await openThreadline({ databaseUrl: dbFile, artifactsUrl: path.join(dir, 'a'), s3: { region: 'us-east-1', forcePathStyle: true } });
const raw = tl.store.sqlite!;

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const runId = (i: number) => i.toString(16).padStart(32, '0');
const dataDigest = (d: number) => `sha256:${hex(`data-${d}`)}`;
const codeId = (c: number) => `sha256:${hex(`code-${c}`)}`;
const mvName = (m: number) => `m${Math.floor(m / versionsPerModel)}`;
const mvVersion = (m: number) => (m % versionsPerModel) + 1;
const mvId = (m: number) => `${mvName(m)}/${mvVersion(m)}`;
const mvRun = (m: number) => (m * 7919) % nRuns; // 7919 is coprime with 100,000: distinct runs
const depEnv = (k: number) => `env${k % nEnvs}`;
const depSeq = (k: number) => Math.floor(k / nEnvs) + 1;
const depId = (k: number) => `${depEnv(k)}#${depSeq(k)}`;
const depMv = (k: number) => k * (nModelVersions / nDeployments);
// UUID-shaped, unique, time-ordered like the UUIDv7 ids the service issues.
const predId = (i: number) => {
  const h = i.toString(16).padStart(12, '0');
  const r = (Math.imul(i, 2654435761) >>> 0).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-${r}`;
};

const t0 = Date.UTC(2026, 0, 1);
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
function fill(label: string, total: number, row: (i: number) => void): void {
  const start = performance.now();
  for (let i = 0; i < total; i += batch) {
    raw.transaction(() => {
      for (let j = i; j < Math.min(i + batch, total); j++) row(j);
    })();
    if (total > batch && (i / batch) % 10 === 9) log(`${label}: ${i + batch} / ${total} (${((i + batch) / ((performance.now() - start) / 1000)).toFixed(0)}/s)`);
  }
  log(`${label}: ${total} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

// Fill: durability off while loading a throwaway file, restored to the store's setting before measuring.
raw.pragma('synchronous = OFF');
const fillStart = performance.now();

const insData = raw.prepare(`INSERT INTO data_versions (digest, uri, format, file_count, total_size, row_count, schema, created_at) VALUES (?, ?, 'parquet', 4, 1048576, 10000, NULL, ?)`);
fill('data_versions', nData, (d) => insData.run(dataDigest(d), `s3://bench/data/${d}`, t0));
const insCode = raw.prepare(`INSERT INTO code_versions (id, repo_root, remote_url, commit_sha, branch, dirty, patch_digest, created_at) VALUES (?, '/src/app', NULL, ?, 'main', 0, NULL, ?)`);
fill('code_versions', nCode, (c) => insCode.run(codeId(c), hex(`commit-${c}`).slice(0, 40), t0));

const insEdge = raw.prepare(`INSERT INTO edges (from_type, from_id, relation, to_type, to_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
const insRun = raw.prepare(
  `INSERT INTO runs (run_id, experiment_id, name, status, user_id, start_time, end_time, lifecycle_stage, deleted_time, artifact_uri, command, working_dir, exit_code, code_version_id, environment_digest)
   VALUES (?, '0', ?, 'FINISHED', 'bench', ?, ?, 'active', NULL, ?, NULL, NULL, 0, ?, NULL)`,
);
fill('runs (+ read, used_code edges)', nRuns, (i) => {
  const id = runId(i);
  const t = t0 + i * 1000;
  insRun.run(id, `run-${i}`, t, t + 60_000, `mlflow-artifacts:/0/${id}/artifacts`, codeId(i % nCode));
  insEdge.run('run', id, 'read', 'data', dataDigest(i % nData), t);
  insEdge.run('run', id, 'used_code', 'code', codeId(i % nCode), t);
});

const insModel = raw.prepare(`INSERT INTO registered_models (name, description, creation_time, last_updated_time) VALUES (?, NULL, ?, ?)`);
fill('registered_models', nModels, (k) => insModel.run(`m${k}`, t0, t0));
const insMv = raw.prepare(
  `INSERT INTO model_versions (name, version, source, run_id, run_link, description, status, status_message, current_stage, creation_time, last_updated_time, user_id, artifact_digest, signature)
   VALUES (?, ?, ?, ?, NULL, NULL, 'READY', NULL, 'None', ?, ?, 'bench', NULL, NULL)`,
);
fill('model_versions (+ trained_by edges)', nModelVersions, (m) => {
  const run = runId(mvRun(m));
  const t = t0 + m * 1000;
  insMv.run(mvName(m), mvVersion(m), `runs:/${run}/model`, run, t, t);
  insEdge.run('model_version', mvId(m), 'trained_by', 'run', run, t);
});

const insDep = raw.prepare(
  `INSERT INTO deployments (id, environment, sequence, image_reference, model_name, model_version, run_id, git_sha, target, actor, created_at, status, replaced_id, reason, details)
   VALUES (?, ?, ?, NULL, ?, ?, ?, NULL, 'local', 'bench', ?, 'live', NULL, 'deploy', '{}')`,
);
fill('deployments (+ serves edges)', nDeployments, (k) => {
  const m = depMv(k);
  const t = t0 + k * 1000;
  insDep.run(depId(k), depEnv(k), depSeq(k), mvName(m), mvVersion(m), runId(mvRun(m)), t);
  insEdge.run('deployment', depId(k), 'serves', 'model_version', mvId(m), t);
});

// Predictions round-robin over deployments; what each data snapshot should count downstream.
const predictionsPerData = new Array<number>(nData).fill(0);
for (let k = 0; k < nDeployments; k++) {
  const n = Math.floor(nPredictions / nDeployments) + (k < nPredictions % nDeployments ? 1 : 0);
  predictionsPerData[mvRun(depMv(k)) % nData]! += n;
}
const insPred = raw.prepare(
  `INSERT INTO predictions (id, deployment_id, time, method, path, status, latency_ms, request_body, response_body, truncated, model_name, model_version, run_id, git_sha, error)
   VALUES (?, ?, ?, 'POST', '/predict', 200, ?, ?, ?, 0, ?, ?, ?, NULL, NULL)`,
);
const depCols = Array.from({ length: nDeployments }, (_, k) => [depId(k), mvName(depMv(k)), mvVersion(depMv(k)), runId(mvRun(depMv(k)))] as const);
fill('predictions', nPredictions, (i) => {
  const [dep, name, version, run] = depCols[i % nDeployments]!;
  const body = i % 10 === 0;
  insPred.run(predId(i), dep, t0 + i * 10, 1 + (i % 97) / 10, body ? '{"x":[1,2,3]}' : null, body ? '{"y":0.7}' : null, name, version, run);
});
raw.pragma('wal_checkpoint(TRUNCATE)');
raw.pragma('synchronous = NORMAL');
const fillSeconds = (performance.now() - fillStart) / 1000;

// Data size.
const tables = ['predictions', 'runs', 'model_versions', 'deployments', 'data_versions', 'code_versions', 'edges'];
const counts = Object.fromEntries(tables.map((t) => [t, (raw.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
const dbBytes = size(dbFile) + size(`${dbFile}-wal`);

// Measure.
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const randomPrediction = () => predId(Math.floor(Math.random() * nPredictions));
const ms = (x: number) => `${x.toFixed(3)} ms`;

const pk = raw.prepare('SELECT id FROM predictions WHERE id = ?');
for (let i = 0; i < 200; i++) pk.get(randomPrediction());
const pkTimes: number[] = [];
for (let i = 0; i < 2000; i++) {
  const id = randomPrediction();
  const s = performance.now();
  if (!pk.get(id)) throw new Error(`prediction ${id} not found`);
  pkTimes.push(performance.now() - s);
}
const pkP50 = pct(pkTimes, 50);

const traces = new TraceService(tl);
const db = tl.store.db;

// Upstream: prediction → deployment → model version → run → data, code.
for (let i = 0; i < 20; i++) await traces.trace(randomPrediction());
const upTimes: number[] = [];
let upNodes = 0;
for (let i = 0; i < 500; i++) {
  const id = randomPrediction();
  const s = performance.now();
  const r = await traces.trace(id);
  upTimes.push(performance.now() - s);
  upNodes = r.nodes.length;
  if (!r.nodes.some((n) => n.type === 'data')) throw new Error(`trace ${id} did not reach a data version`);
}
const upBareTimes: number[] = [];
for (let i = 0; i < 500; i++) {
  const id = randomPrediction();
  const s = performance.now();
  const parent = (await predictionLeaves.parentOf(tl.store, id))!;
  await Promise.all([walk(db, parent, { direction: 'upstream', depth: 9 }), countReachable(db, parent, { direction: 'upstream', depth: 9 })]);
  upBareTimes.push(performance.now() - s);
}

// Downstream: the snapshot with the most predictions under it.
const target = predictionsPerData.indexOf(Math.max(...predictionsPerData));
const digest = dataDigest(target);
const expected = predictionsPerData[target]!;
await traces.trace(digest, { direction: 'downstream' });
const downTimes: number[] = [];
let found = -1;
let leafFound = -1;
let downNodes = 0;
for (let i = 0; i < 20; i++) {
  const s = performance.now();
  const r = await traces.trace(digest, { direction: 'downstream' });
  downTimes.push(performance.now() - s);
  found = r.counts.prediction ?? 0;
  leafFound = r.leaves?.prediction?.count ?? 0;
  downNodes = r.nodes.length;
}
const downBareTimes: number[] = [];
let bareFound = -1;
for (let i = 0; i < 20; i++) {
  const s = performance.now();
  const start = { type: 'data' as const, id: digest };
  const [graph] = await Promise.all([walk(db, start, { direction: 'downstream', depth: 10 }), countReachable(db, start, { direction: 'downstream', depth: 10 })]);
  bareFound = (await predictionLeaves.countUnder(tl.store, graph.nodes.filter((n) => n.type === 'deployment').map((n) => n.id))).count;
  downBareTimes.push(performance.now() - s);
}

const ok = (x: number, budget: number) => (x < budget ? 'PASS' : 'FAIL');
console.log(`lineage bench — SQLite, ${os.cpus().length} cores, fill ${fillSeconds.toFixed(0)} s${nPredictions !== 10_000_000 ? `  (N=${nPredictions}, NOT the 10,000,000 of the requirement)` : ''}`);
console.log(`data: ${Object.entries(counts).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')}; DB file ${(dbBytes / 1e9).toFixed(2)} GB (${dbBytes} bytes)`);
console.log(`baseline: PK lookup SELECT id FROM predictions WHERE id = ?  p50 ${ms(pkP50)} (2000 random ids, raw prepared statement)`);
const line = (label: string, xs: number[], budget: number, extra = '') =>
  console.log(`${label}: p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}  (p95 budget ${budget} ms: ${ok(pct(xs, 95), budget)}; p50 = ${(pct(xs, 50) / pkP50).toFixed(0)}× PK lookup)${extra}`);
line('prediction → full upstream chain, TraceService.trace (resolve+walk+count+describe), 500 random ids', upTimes, 5, `  ${upNodes} nodes`);
line('prediction → full upstream chain, bare queries only (parentOf + walk + countReachable), 500 random ids', upBareTimes, 5);
line(`predictions from data snapshot, TraceService.trace downstream, 20×`, downTimes, 200, `  ${downNodes} nodes`);
line(`predictions from data snapshot, bare queries only (walk + countReachable + countUnder), 20×`, downBareTimes, 200);
console.log(`impact count for ${digest}: counts.prediction ${found}, leaves.prediction.count ${leafFound}, bare ${bareFound}, expected from generation ${expected} → ${found === expected && leafFound === expected && bareFound === expected ? 'MATCH' : 'MISMATCH'}`);

printBenchResult('lineage', { 'trace upstream p50 / PK lookup p50': pct(upTimes, 50) / pkP50, 'trace downstream p50 / PK lookup p50': pct(downTimes, 50) / pkP50 });
await tl.close();
fs.rmSync(dir, { recursive: true, force: true });
