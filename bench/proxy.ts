// Tracing proxy overhead: the same upstream (a tiny JSON model server) hit directly and through
// the proxy (with its prediction log on SQLite), from the same undici client (64 connections
// both ways) in this process while the upstream and the proxy run in their own processes.
// Prints closed-loop throughput (ratio proxied/direct, rounds interleaved so that a noisy
// neighbour hits both alike), latency percentiles at a fixed open-loop rate (added p50/p99), the
// CPU each process spends per request, and, as a floor, a raw TCP relay in place of the proxy
// (no HTTP at all: the least any Node process in the middle costs on this machine), for
// throughput and for latency. Knobs for chasing the tail: BENCH_LATENCY_ONLY=1 (skip the
// throughput rounds), BENCH_SINK=none|array|log-no-store (proxy without the SQLite log),
// BENCH_PROXY_NODE_ARGS="--trace-gc" (node flags for the proxy process only). nginx (Debian), as
// a reverse proxy with a request id and a JSON access log of request bodies (bench/nginx.ts), is
// measured beside it in the same rounds as the anchor, and wrk (Debian) gives a second, non-Node
// client's view of direct, nginx and the proxy.
// Usage: npx tsx bench/proxy.ts [rate=2000] [seconds=10]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { nginxInstalled, startNginx } from './support/nginx.js';
import { printBenchResult } from './result.js';
import { wrk } from './support/wrk.js';

const self = fileURLToPath(import.meta.url);
const role = process.argv[2];
const body = JSON.stringify({ basket: ['dog-toy-rope', 'dog-bowl'] });
const connections = 64;

if (role === 'upstream') {
  const answer = JSON.stringify({ recommended_items: ['dog-treats', 'dog-food-lamb', 'dog-bed', 'dog-shampoo', 'dog-leash'] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
} else if (role === 'relay') {
  // Each client connection gets its own upstream connection; bytes are copied both ways untouched.
  const port = Number(new URL(process.argv[3]!).port);
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ port, host: '127.0.0.1', noDelay: true });
    client.pipe(upstream).on('error', () => client.destroy());
    upstream.pipe(client).on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
} else if (role === 'proxy' && ['none', 'array', 'log-no-store'].includes(process.env.BENCH_SINK ?? '')) {
  // Isolation runs: BENCH_SINK=none drops every prediction (no log at all); log-no-store runs the
  // prediction log (queue, flush timer, batches) with an inserter that stores nothing.
  const { TracingProxy } = await import('../src/serving/proxy/proxy-server.js');
  const { PredictionLog } = await import('../src/serving/prediction-log/writer.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-proxy-'));
  let held: unknown[] = [];
  if (process.env.BENCH_SINK === 'array') setInterval(() => (held = []), Number(process.env.BENCH_FLUSH_MS ?? 50));
  const sink = process.env.BENCH_SINK === 'none' ? { log() {} } : process.env.BENCH_SINK === 'array' ? { log: (p: unknown) => void held.push(p) } : new PredictionLog({ insertBatch: async () => {} }, { journalDir: path.join(home, 'journal'), flushIntervalMs: Number(process.env.BENCH_FLUSH_MS ?? 50) });
  const proxy = new TracingProxy({ upstream: process.argv[3]!, identity: { deploymentId: 'bench#1', modelName: 'reco', modelVersion: 1, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40) }, sink });
  console.log(await proxy.listen(0));
  process.on('SIGTERM', () => process.exit(0));
} else if (role === 'proxy') {
  const { openStore } = await import('../src/store/database.js');
  const { startTracing } = await import('../src/serving/tracing.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-proxy-'));
  const store = await openStore(path.join(home, 'threadline.db'));
  const tracing = await startTracing(store, { home, upstream: process.argv[3]!, identity: { deploymentId: 'bench#1', modelName: 'reco', modelVersion: 1, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40) } });
  console.log(await tracing.proxy.listen(0));
  process.on('SIGTERM', async () => {
    await tracing.close();
    console.error(`proxy prediction log: ${JSON.stringify(tracing.log.metrics)}`);
    await store.close();
    fs.rmSync(home, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  const rate = Number(process.argv[2] ?? 2000);
  const seconds = Number(process.argv[3] ?? 10);
  const children: ChildProcess[] = [];
  // A bench that dies (a bad URL, a throw) must not leave its upstream, proxy and relay running.
  process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));
  const start = (...args: string[]) =>
    new Promise<{ url: string; pid: number }>((resolve) => {
      // BENCH_PROXY_NODE_ARGS (e.g. "--trace-gc" or "--cpu-prof") goes to the proxy process only.
      const extra = args[0] === 'proxy' ? (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
      const child = spawn(process.execPath, [...extra, ...process.execArgv, self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      // The URL is the first line starting with http:// (--trace-gc also writes to stdout; that goes to stderr).
      let seen = '';
      let found = false;
      child.stdout!.on('data', (d: Buffer) => {
        if (found) return void process.stderr.write(d);
        seen += String(d);
        const url = /^http:\/\/\S+/m.exec(seen)?.[0];
        if (url) {
          found = true;
          resolve({ url, pid: child.pid! });
        }
      });
    });
  // CPU ms (user + system) a process has used so far; Linux /proc, else unknown.
  const cpuMs = (pid: number, part: 'all' | 'kernel' = 'all'): number => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const ticks = part === 'kernel' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12]);
      return (ticks * 1000) / 100; // clock ticks of 10 ms
    } catch {
      return NaN;
    }
  };
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average at start (1/5/15 min): ${load()}; ${os.cpus().length} cores shared by client, upstream and proxy`);
  const upstream = await start('upstream');
  const proxy = await start('proxy', upstream.url);
  const relay = await start('relay', upstream.url);
  const nginx = nginxInstalled() ? await startNginx(upstream.url) : undefined;
  if (!nginx) console.log('nginx not installed (/usr/sbin/nginx): no anchor');

  interface Sample {
    rate: number;
    requests: number;
    /** CPU µs per request of the client (this process), the upstream and the middle process. */
    cpu: { client: number; upstream: number; middle: number; middleKernel: number };
  }
  const measure = async <T>(middle: number | undefined, run: () => Promise<{ requests: number; result: T }>) => {
    const c0 = process.cpuUsage();
    const u0 = cpuMs(upstream.pid);
    const m0 = middle === undefined ? 0 : cpuMs(middle);
    const k0 = middle === undefined ? 0 : cpuMs(middle, 'kernel');
    const { requests, result } = await run();
    const c = process.cpuUsage(c0);
    const per = (ms: number) => (ms * 1000) / requests;
    const cpu = { client: (c.user + c.system) / requests, upstream: per(cpuMs(upstream.pid) - u0), middle: middle === undefined ? 0 : per(cpuMs(middle) - m0), middleKernel: middle === undefined ? 0 : per(cpuMs(middle, 'kernel') - k0) };
    return { result, requests, cpu };
  };

  const request = (pool: Pool) => pool.request({ path: '/predict', method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const throughput = async (url: string, middle: number | undefined, ms: number): Promise<Sample> => {
    const pool = new Pool(url, { connections });
    const end = Date.now() + ms;
    const sample = await measure(middle, async () => {
      let done = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (Date.now() < end) {
            await (await request(pool)).body.text();
            done++;
          }
        }),
      );
      return { requests: done, result: undefined };
    });
    await pool.close();
    return { rate: sample.requests / (ms / 1000), requests: sample.requests, cpu: sample.cpu };
  };

  // Open loop: requests start on schedule whatever the previous ones do, so a slow server shows as latency.
  const fixedRate = async (url: string, middle: number | undefined) => {
    const pool = new Pool(url, { connections });
    const total = rate * seconds;
    const latencies: number[] = [];
    const t0 = performance.now();
    const sample = await measure(middle, async () => {
      let sent = 0;
      const inflight: Promise<void>[] = [];
      while (sent < total) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate);
        for (; sent < Math.min(due, total); sent++) {
          const t = performance.now();
          inflight.push(
            request(pool).then(async (res) => {
              await res.body.text();
              latencies.push(performance.now() - t);
            }),
          );
        }
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(inflight);
      return { requests: total, result: undefined };
    });
    await pool.close();
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    return { p50: q(0.5), p99: q(0.99), achieved: total / ((performance.now() - t0) / 1000), cpu: sample.cpu };
  };

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const us = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '?');
  const cpuLine = (s: Sample) => `client ${us(s.cpu.client)}, upstream ${us(s.cpu.upstream)}${s.cpu.middle ? `, middle ${us(s.cpu.middle)} (${us(s.cpu.middleKernel)} in the kernel)` : ''} CPU µs/req`;

  for (const url of [upstream.url, proxy.url, relay.url, ...(nginx ? [nginx.url] : [])]) await throughput(url, undefined, 1000);
  const ratios: Record<string, number> = {};
  // BENCH_LATENCY_ONLY=1 skips the throughput rounds (quicker runs when chasing the tail).
  if (!process.env.BENCH_LATENCY_ONLY) {
    // Interleaved rounds: direct, proxied, relay, three times; each figure is the median round.
    const rounds: Record<'direct' | 'proxied' | 'relay' | 'nginx', Sample[]> = { direct: [], proxied: [], relay: [], nginx: [] };
    for (let i = 0; i < 3; i++) {
      rounds.direct.push(await throughput(upstream.url, undefined, 2000));
      rounds.proxied.push(await throughput(proxy.url, proxy.pid, 2000));
      rounds.relay.push(await throughput(relay.url, relay.pid, 2000));
      if (nginx) rounds.nginx.push(await throughput(nginx.url, nginx.pid, 2000));
    }
    const pick = (samples: Sample[]) => samples.find((s) => s.rate === median(samples.map((x) => x.rate)))!;
    const direct = pick(rounds.direct);
    const proxied = pick(rounds.proxied);
    const relayed = pick(rounds.relay);
    console.log(`throughput (${connections} connections, closed loop, median of 3 interleaved 2 s rounds):`);
    console.log(`  direct  ${direct.rate.toFixed(0)} req/s (${cpuLine(direct)})`);
    console.log(`  proxied ${proxied.rate.toFixed(0)} req/s (${cpuLine(proxied)}), ratio ${(proxied.rate / direct.rate).toFixed(2)} (target ≥ 0.80)`);
    console.log(`  raw TCP relay (floor) ${relayed.rate.toFixed(0)} req/s (${cpuLine(relayed)}), ratio ${(relayed.rate / direct.rate).toFixed(2)}`);
    if (nginx) {
      const anchor = pick(rounds.nginx);
      console.log(`  nginx (anchor) ${anchor.rate.toFixed(0)} req/s (${cpuLine(anchor)}), ratio ${(anchor.rate / direct.rate).toFixed(2)}; proxied / nginx ${(proxied.rate / anchor.rate).toFixed(2)} (target ≥ 0.70)`);
      ratios['proxied / nginx throughput'] = proxied.rate / anchor.rate;
      // wrk: the same three from a client that is not Node (64 connections, 2 threads, one 4 s round each).
      const w = { direct: await wrk(upstream.url + '/predict', { body, connections, threads: 2, seconds: 4 }), nginx: await wrk(nginx.url + '/predict', { body, connections, threads: 2, seconds: 4 }), proxied: await wrk(proxy.url + '/predict', { body, connections, threads: 2, seconds: 4 }) };
      console.log(`  wrk: direct ${w.direct.rate.toFixed(0)} req/s, nginx ${w.nginx.rate.toFixed(0)} (${(w.nginx.rate / w.direct.rate).toFixed(2)} of direct), proxied ${w.proxied.rate.toFixed(0)} (${(w.proxied.rate / w.direct.rate).toFixed(2)} of direct, ${(w.proxied.rate / w.nginx.rate).toFixed(2)} of nginx)`);
      ratios['wrk proxied / nginx throughput'] = w.proxied.rate / w.nginx.rate;
    }
  }
  const d = await fixedRate(upstream.url, undefined);
  const p = await fixedRate(proxy.url, proxy.pid);
  const r = await fixedRate(relay.url, relay.pid);
  console.log(`latency at ${rate} req/s for ${seconds}s: direct p50 ${d.p50.toFixed(3)} ms p99 ${d.p99.toFixed(3)} ms; proxied p50 ${p.p50.toFixed(3)} ms p99 ${p.p99.toFixed(3)} ms (achieved ${p.achieved.toFixed(0)} req/s; proxy CPU ${us(p.cpu.middle)} µs/req = ${((p.cpu.middle * rate) / 1e4).toFixed(0)}% of a core)`);
  console.log(`  raw TCP relay (floor) p50 ${r.p50.toFixed(3)} ms p99 ${r.p99.toFixed(3)} ms: added p50 +${(r.p50 - d.p50).toFixed(3)} ms, p99 +${(r.p99 - d.p99).toFixed(3)} ms`);
  console.log(`added by the proxy: p50 +${(p.p50 - d.p50).toFixed(3)} ms (target < 0.5), p99 +${(p.p99 - d.p99).toFixed(3)} ms (target < 2); p50 ratio ${(p.p50 / d.p50).toFixed(2)}`);
  if (nginx) {
    const n = await fixedRate(nginx.url, nginx.pid);
    console.log(`  nginx (anchor) p50 ${n.p50.toFixed(3)} ms p99 ${n.p99.toFixed(3)} ms: added p50 +${(n.p50 - d.p50).toFixed(3)} ms, p99 +${(n.p99 - d.p99).toFixed(3)} ms; the proxy's added p50 is ${(p.p50 - n.p50).toFixed(3)} ms beyond nginx's (target ≤ 0.2)`);
    console.log(`  nginx logged ${nginx.logged()} requests so far (its access log is buffered: up to 1 s behind)`);
    ratios['proxied / nginx p50 latency'] = p.p50 / n.p50;
    await nginx.stop();
  }
  console.log(`load average at end (1/5/15 min): ${load()}`);
  printBenchResult('proxy', { 'proxied / direct p50 latency': p.p50 / d.p50, 'proxied / direct p99 latency': p.p99 / d.p99, ...ratios });
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
}
