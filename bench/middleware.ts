// The middlewares' cost and durability. Throughput (wrk, closed loop, median of interleaved
// rounds) of the same app with and without tracing: the demo's FastAPI app under uvicorn with
// and without ThreadlineMiddleware, and a Fastify server with and without the plugin; the
// Threadline server taking the batches runs in this process (SQLite). Then nothing lost: logged
// predictions == 2xx responses after a plain run, after a run during which the Threadline server
// is stopped for 10 s, and after the app is killed with -9 mid-load and started again (its spool
// or journal replayed), within the stated window (the last 50 ms queued). A few more logged than
// 2xx counted is expected: wrk stops counting with requests still in flight, which are served and logged.
// Usage: npx tsx bench/middleware.ts [seconds-per-round=5]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { TracingMiddleware } from '../src/serving/middleware/index.js';
import { printBenchResult } from './result.js';
import { wrk, type WrkResult } from './support/wrk.js';

const self = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(self), '..');
const body = JSON.stringify({ basket: ['dog-toy-rope', 'dog-bowl'] });

if (process.argv[2] === 'node-app') {
  // The Node app: a Fastify server answering like a small model, traced when asked.
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  let tracing: TracingMiddleware | undefined;
  if (process.argv[4] === 'traced') {
    const { createTracingMiddleware } = await import('../src/serving/middleware/index.js');
    tracing = await createTracingMiddleware({ home: process.env.BENCH_HOME });
    await app.register(tracing.fastify);
  }
  const answer = { recommended_items: ['dog-treats', 'dog-food-lamb', 'dog-bed', 'dog-shampoo', 'dog-leash'] };
  app.post('/predict', async () => answer);
  app.get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.argv[3]), host: '127.0.0.1' });
  process.on('SIGTERM', () => void (async () => (await app.close(), await tracing?.close(), process.exit(0)))());
} else {
  const seconds = Number(process.argv[2] ?? 5);
  const { openThreadline } = await import('../src/context.js');
  const { startServer } = await import('../src/api/server.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-mw-'));
  const tl = await openThreadline({ databaseUrl: path.join(home, 'threadline.db'), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  const serverPort = await freePort();
  let server = await startServer(tl, '127.0.0.1', serverPort);
  const children = new Set<ChildProcess>();
  process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average at start (1/5/15 min): ${load()}; ${os.cpus().length} cores shared by wrk, the app and the Threadline server`);

  // The demo's model, trained once for the Python app.
  const modelDir = path.join(home, 'model');
  execFileSync(process.execPath, [path.join(repo, 'examples/recommender/train.mjs'), '--data', path.join(repo, 'examples/recommender/data/orders.csv'), '--out', path.join(modelDir, 'model.json')], { env: { PATH: process.env.PATH }, stdio: 'ignore' });

  type Kind = 'python' | 'node';
  let deployments = 0;
  const startApp = async (kind: Kind, traced: boolean, deployment: string) => {
    const port = await freePort();
    const env = { ...process.env, THREADLINE_URL: server.url, THREADLINE_DEPLOYMENT: deployment, THREADLINE_MODEL: 'amazon-recommender/1', GIT_SHA: 'f'.repeat(40), THREADLINE_RUN_ID: 'a'.repeat(32), THREADLINE_SPOOL_DIR: path.join(home, 'spool', deployment), BENCH_HOME: path.join(home, 'node', deployment), THREADLINE_DB_URL: '' };
    const child =
      kind === 'python'
        ? spawn('/usr/bin/python3', [path.join(repo, 'examples/recommender/serve_fastapi.py'), '--port', String(port), '--model-dir', modelDir, ...(traced ? [] : ['--no-middleware'])], { env, stdio: ['ignore', 'ignore', 'inherit'] })
        : spawn(process.execPath, [...process.execArgv, self, 'node-app', String(port), traced ? 'traced' : 'bare'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    children.add(child);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilUp(url);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { url, child, stop: async (signal: NodeJS.Signals = 'SIGTERM') => (child.kill(signal), await exited, children.delete(child)) };
  };
  const logged = async (deployment: string) => Number((await tl.store.db.selectFrom('predictions').select((eb) => eb.fn.countAll<number>().as('n')).where('deployment_id', '=', deployment).executeTakeFirstOrThrow()).n);
  /** Waits for the count to reach `expected`, or to stop moving for 3 s. */
  const settle = async (deployment: string, expected: number) => {
    let last = -1;
    let still = Date.now();
    for (;;) {
      const n = await logged(deployment);
      if (n >= expected) return n;
      if (n !== last) [last, still] = [n, Date.now()];
      if (Date.now() - still > 3000) return n;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const results: Record<string, number> = {};
  for (const kind of ['python', 'node'] as Kind[]) {
    const bare = await startApp(kind, false, `${kind}-bare#1`);
    const deployment = `${kind}-traced#${++deployments}`;
    const traced = await startApp(kind, true, deployment);
    await wrk(bare.url + '/predict', { body, seconds: 1 });
    await wrk(traced.url + '/predict', { body, seconds: 1 });
    const base = await logged(deployment);
    const rounds: { bare: WrkResult[]; traced: WrkResult[] } = { bare: [], traced: [] };
    for (let i = 0; i < 3; i++) {
      rounds.bare.push(await wrk(bare.url + '/predict', { body, seconds }));
      rounds.traced.push(await wrk(traced.url + '/predict', { body, seconds }));
    }
    const okTotal = rounds.traced.reduce((sum, r) => sum + r.ok, 0);
    const median = (xs: WrkResult[]) => [...xs].sort((a, b) => a.rate - b.rate)[1]!;
    const [b, t] = [median(rounds.bare), median(rounds.traced)];
    const count = (await settle(deployment, base + okTotal)) - base;
    results[`${kind} traced / bare throughput`] = t.rate / b.rate;
    console.log(`${kind}: bare ${b.rate.toFixed(0)} req/s (p50 ${b.p50.toFixed(2)} ms, p99 ${b.p99.toFixed(2)} ms); traced ${t.rate.toFixed(0)} req/s (p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms); ratio ${(t.rate / b.rate).toFixed(2)} (target ≥ 0.90)`);
    console.log(`  nothing lost: ${okTotal} 2xx responses, ${count} predictions logged${count >= okTotal ? '' : `  (${okTotal - count} missing)`}`);
    await bare.stop();

    // The Threadline server stopped for 10 s in the middle of a load run.
    const outageDeployment = `${kind}-outage#1`;
    const outageApp = await startApp(kind, true, outageDeployment);
    const outageSeconds = 16;
    const run = wrk(outageApp.url + '/predict', { body, seconds: outageSeconds, connections: 16 });
    await new Promise((r) => setTimeout(r, 3000));
    await server.drain(1000);
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    server = await startServer(tl, '127.0.0.1', serverPort);
    console.log(`  outage: the Threadline server was down for ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s of a ${outageSeconds} s run`);
    const outage = await run;
    const outageCount = await settle(outageDeployment, outage.ok);
    console.log(`  server stopped 10 s: ${outage.ok} 2xx responses, ${outageCount} logged${outageCount >= outage.ok ? '' : ` (${outage.ok - outageCount} missing)`}`);
    results[`${kind} logged / 2xx, server stopped 10 s`] = outageCount / outage.ok;
    results[`${kind} logged / 2xx, plain run`] = count / okTotal;
    await outageApp.stop();

    // The app killed with -9 mid-load, then started again on the same spool/journal.
    const killDeployment = `${kind}-killed#1`;
    const victim = await startApp(kind, true, killDeployment);
    const killRun = wrk(victim.url + '/predict', { body, seconds: 4, connections: 16 });
    await new Promise((r) => setTimeout(r, 2000));
    await victim.stop('SIGKILL');
    const killed = await killRun;
    const again = await startApp(kind, true, killDeployment);
    const killedCount = await settle(killDeployment, killed.ok);
    console.log(`  killed -9 mid-load and restarted: ${killed.ok} 2xx responses, ${killedCount} logged${killedCount >= killed.ok ? '' : ` (${killed.ok - killedCount} missing: ${(((killed.ok - killedCount) / (killed.ok / 2)) * 1000).toFixed(0)} ms of its traffic)`}`);
    results[`${kind} logged / 2xx, app killed -9`] = killedCount / killed.ok;
    await again.stop();
    await traced.stop();
  }
  console.log(`load average at end (1/5/15 min): ${load()}`);
  printBenchResult('middleware', results);
  await server.drain(1000);
  await tl.close();
  fs.rmSync(home, { recursive: true, force: true });
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitUntilUp(url: string): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await request(`${url}/health`)).statusCode === 200) return;
    } catch {
      if (Date.now() > end) throw new Error(`${url} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
