// The bulk ingest's cost per record: `POST /api/predictions:batch` on a Threadline server (its own
// process, SQLite, started as `threadline server` starts it) fed batches of the records the
// middlewares send, over loopback HTTP, as a JSON array (the Node middleware) and as NDJSON (the
// Python one). The server's CPU time (user + system, from process.cpuUsage in the server) per
// record is set against the floor of the same run: the same rows written by the store's own
// prepared multi-row INSERT in this process, one transaction per batch, with nothing parsed or
// checked (statement journals in memory, as the store's insert keeps them). Set BENCH_INGEST_PROF=<dir> to run the server with --cpu-prof into that folder.
// Usage: npx tsx bench/ingest.ts [records-per-format=60000] [records-per-batch=200]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { printBenchResult } from './result.js';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === 'server') {
  const { openThreadline } = await import('../src/context.js');
  const { startServer } = await import('../src/api/server.js');
  const home = process.argv[3]!;
  const tl = await openThreadline({ databaseUrl: path.join(home, 'threadline.db'), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  // As `threadline server` runs it: structured logs at info (no per-request lines without --log).
  const { url, app } = await startServer(tl, '127.0.0.1', 0, { logLevel: 'info', logStream: fs.createWriteStream(path.join(home, 'server.log')) });
  process.on('message', (message: string) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
    if (message === 'stop') void app.close().then(() => tl.close()).then(() => process.exit(0));
  });
  process.send!({ url });
} else {
  const perFormat = Number(process.argv[2] ?? 60_000);
  const perBatch = Number(process.argv[3] ?? 200);
  const { fastUuidV7 } = await import('../src/serving/proxy/uuid.js');
  const { openStore } = await import('../src/store/database.js');
  const { sqliteInsertSql, sqliteInsertValues, sqliteInsertWidth, sqliteRowsPerInsert } = await import('../src/serving/prediction-store.js');
  const { parseRecord } = await import('../src/serving/ingest/record.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-ingest-'));
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average at start (1/5/15 min): ${load()}; ${os.cpus().length} cores`);

  // What the middlewares send for the demo's model: a small request, the response with the trace fields.
  const record = () => {
    const id = fastUuidV7();
    return {
      prediction_id: id,
      deployment_id: 'bench#1',
      time: Date.now(),
      method: 'POST',
      path: '/predict',
      status: 200,
      latency_ms: 1.234,
      request_body: '{"basket":["dog-toy-rope","dog-bowl"]}',
      response_body: `{"recommended_items":["dog-treats","dog-food-lamb","dog-bed","dog-shampoo","dog-leash"],"prediction_id":"${id}","model_version":1,"run_id":"${'a'.repeat(32)}","git_sha":"${'f'.repeat(40)}"}`,
      truncated: false,
      model_name: 'amazon-recommender',
      model_version: 1,
      run_id: 'a'.repeat(32),
      git_sha: 'f'.repeat(40),
      error: null,
    };
  };
  const batches = (format: 'json' | 'ndjson', records: number) =>
    Array.from({ length: Math.ceil(records / perBatch) }, () => {
      const rs = Array.from({ length: perBatch }, record);
      return format === 'json' ? JSON.stringify(rs) : rs.map((r) => JSON.stringify(r)).join('\n') + '\n';
    });

  const profDir = process.env.BENCH_INGEST_PROF;
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), self, 'server', home], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  process.on('exit', () => child.kill('SIGKILL'));
  const ask = <T>(message: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(message);
    });
  const { url } = await new Promise<{ url: string }>((resolve) => child.once('message', (m) => resolve(m as { url: string })));
  const cpuMicros = async () => {
    const { cpu } = await ask<{ cpu: NodeJS.CpuUsage }>('cpu');
    return cpu.user + cpu.system;
  };
  const pool = new Pool(url, { connections: 2 });
  const post = async (format: 'json' | 'ndjson', body: string) => {
    const response = await pool.request({ method: 'POST', path: '/api/predictions:batch', headers: { 'content-type': format === 'json' ? 'application/json' : 'application/x-ndjson' }, body });
    const answer = (await response.body.json()) as { accepted: number };
    if (response.statusCode !== 202 || answer.accepted !== perBatch) throw new Error(`ingest answered ${response.statusCode}: ${JSON.stringify(answer)}`);
  };
  /** Posts the batches two at a time (two middlewares' flushes at once); the server's CPU µs per record. */
  const measure = async (format: 'json' | 'ndjson', bodies: string[]) => {
    const before = await cpuMicros();
    const started = performance.now();
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < bodies.length) await post(format, bodies[next++]!);
    }));
    const seconds = (performance.now() - started) / 1000;
    const records = bodies.length * perBatch;
    return { cpuPerRecord: ((await cpuMicros()) - before) / records, recordsPerSecond: records / seconds };
  };

  // The floor: the same rows through the store's prepared statements, nothing parsed or checked.
  const floorStore = await openStore(path.join(home, 'floor.db'));
  const raw = floorStore.sqlite!;
  raw.pragma('synchronous = NORMAL');
  // As the store's insert runs (statement journals in memory, PredictionStore.insertSqlite).
  raw.pragma('temp_store = MEMORY');
  const many = raw.prepare(sqliteInsertSql(sqliteRowsPerInsert));
  const one = raw.prepare(sqliteInsertSql(1));
  const insert = raw.transaction((rows: unknown[][]) => {
    let i = 0;
    for (; i + sqliteRowsPerInsert <= rows.length; i += sqliteRowsPerInsert) many.run(rows.slice(i, i + sqliteRowsPerInsert).flat());
    for (; i < rows.length; i++) one.run(rows[i]);
  });
  const floor = (records: number) => {
    const rowBatches = Array.from({ length: Math.ceil(records / perBatch) }, () =>
      Array.from({ length: perBatch }, () => {
        const parsed = parseRecord(record());
        if (!('prediction' in parsed)) throw new Error(parsed.invalid);
        return sqliteInsertValues(parsed.prediction);
      }),
    );
    if (rowBatches[0]![0]!.length !== sqliteInsertWidth) throw new Error('the floor inserts a row of another width');
    const before = process.cpuUsage();
    for (const rows of rowBatches) insert(rows);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / records;
  };

  // Warm-up: the JIT and the page cache of both databases.
  await measure('json', batches('json', 10 * perBatch));
  await measure('ndjson', batches('ndjson', 10 * perBatch));
  floor(10 * perBatch);

  const ratios: Record<string, number> = {};
  const floors: number[] = [];
  const rounds = 3;
  const seen: Record<string, { cpu: number[]; rate: number[] }> = { json: { cpu: [], rate: [] }, ndjson: { cpu: [], rate: [] } };
  for (let round = 0; round < rounds; round++) {
    for (const format of ['json', 'ndjson'] as const) {
      const r = await measure(format, batches(format, perFormat / rounds));
      seen[format]!.cpu.push(r.cpuPerRecord);
      seen[format]!.rate.push(r.recordsPerSecond);
    }
    floors.push(floor(perFormat / rounds));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floorUs = median(floors);
  console.log(`floor: the store's prepared INSERT alone, ${perBatch} rows a transaction: ${floorUs.toFixed(1)} µs/record (rounds ${floors.map((f) => f.toFixed(1)).join(', ')})`);
  for (const format of ['json', 'ndjson'] as const) {
    const { cpu, rate } = seen[format]!;
    const us = median(cpu);
    console.log(`POST /api/predictions:batch (${format === 'json' ? 'JSON array' : 'NDJSON'}, ${perBatch} records a batch): server CPU ${us.toFixed(1)} µs/record (rounds ${cpu.map((c) => c.toFixed(1)).join(', ')}), ${median(rate).toFixed(0)} records/s; ${(us / floorUs).toFixed(2)}× the floor`);
    ratios[`${format} ingest CPU per record / plain SQLite insert`] = us / floorUs;
  }
  console.log(`load average at end (1/5/15 min): ${load()}`);
  printBenchResult('ingest', ratios);
  await pool.close();
  await floorStore.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
  fs.rmSync(home, { recursive: true, force: true });
}
