// Tracing proxy overhead: the same upstream (a tiny JSON model server) hit directly and through
// the proxy (with its prediction log on SQLite), from undici clients in this process while the
// upstream and the proxy run in their own processes. Prints closed-loop throughput (ratio
// proxied/direct) and latency percentiles at a fixed open-loop rate (added p50/p99).
// Usage: npx tsx bench/proxy.ts [rate=2000] [seconds=10]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const self = fileURLToPath(import.meta.url);
const role = process.argv[2];
const body = JSON.stringify({ basket: ['dog-toy-rope', 'dog-bowl'] });

if (role === 'upstream') {
  const answer = JSON.stringify({ recommended_items: ['dog-treats', 'dog-food-lamb', 'dog-bed', 'dog-shampoo', 'dog-leash'] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
} else if (role === 'proxy') {
  const { openStore } = await import('../src/store/database.js');
  const { startTracing } = await import('../src/serving/tracing.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-proxy-'));
  const store = await openStore(path.join(home, 'threadline.db'));
  const tracing = await startTracing(store, { home, upstream: process.argv[3]!, identity: { deploymentId: 'bench#1', modelName: 'reco', modelVersion: 1, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40) } });
  console.log(await tracing.proxy.listen(0));
  process.on('SIGTERM', async () => {
    await tracing.close();
    console.error(`proxy: ${JSON.stringify(tracing.log.metrics)}`);
    process.exit(0);
  });
} else {
  const rate = Number(process.argv[2] ?? 2000);
  const seconds = Number(process.argv[3] ?? 10);
  const children: ChildProcess[] = [];
  const start = (...args: string[]) =>
    new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [...process.execArgv, self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      child.stdout!.once('data', (d: Buffer) => resolve(String(d).trim()));
    });
  const upstream = await start('upstream');
  const proxy = await start('proxy', upstream);

  const throughput = async (url: string, ms: number) => {
    const pool = new Pool(url, { connections: 64 });
    let done = 0;
    const end = Date.now() + ms;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (Date.now() < end) {
        const res = await pool.request({ path: '/predict', method: 'POST', body, headers: { 'content-type': 'application/json' } });
        await res.body.text();
        done++;
      }
    }));
    await pool.close();
    return done / (ms / 1000);
  };

  // Open loop: requests start on schedule whatever the previous ones do, so a slow server shows as latency.
  const fixedRate = async (url: string) => {
    const pool = new Pool(url, { connections: 64 });
    const total = rate * seconds;
    const latencies: number[] = [];
    const t0 = performance.now();
    let sent = 0;
    const inflight: Promise<void>[] = [];
    while (sent < total) {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      for (; sent < Math.min(due, total); sent++) {
        const t = performance.now();
        inflight.push(pool.request({ path: '/predict', method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(async (res) => {
          await res.body.text();
          latencies.push(performance.now() - t);
        }));
      }
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(inflight);
    await pool.close();
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    return { p50: q(0.5), p99: q(0.99), achieved: total / ((performance.now() - t0) / 1000) };
  };

  await throughput(upstream, 1000);
  await throughput(proxy, 1000);
  const direct = await throughput(upstream, 5000);
  const proxied = await throughput(proxy, 5000);
  console.log(`throughput (64 connections, closed loop): direct ${direct.toFixed(0)} req/s, proxied ${proxied.toFixed(0)} req/s, ratio ${(proxied / direct).toFixed(2)} (target ≥ 0.80)`);
  const d = await fixedRate(upstream);
  const p = await fixedRate(proxy);
  console.log(`latency at ${rate} req/s for ${seconds}s: direct p50 ${d.p50.toFixed(3)} ms p99 ${d.p99.toFixed(3)} ms; proxied p50 ${p.p50.toFixed(3)} ms p99 ${p.p99.toFixed(3)} ms (achieved ${p.achieved.toFixed(0)} req/s)`);
  console.log(`added by the proxy: p50 +${(p.p50 - d.p50).toFixed(3)} ms (target < 0.5), p99 +${(p.p99 - d.p99).toFixed(3)} ms (target < 2); p50 ratio ${(p.p50 / d.p50).toFixed(2)}`);
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
}
