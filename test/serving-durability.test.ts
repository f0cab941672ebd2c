import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { PredictionStore } from '../src/serving/prediction-store.js';
import { blockStore } from '../src/serving/testing.js';
import { startTracing } from '../src/serving/tracing.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startCli } from './serve.js';

const gitSha = 'c0ffee'.padEnd(40, '0');

async function upstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 23 }).end('{"recommended_items":[]}'.slice(0, 23)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** Sends `total` requests, `concurrency` at a time; returns the ids of 2xx responses with the time each was acknowledged. */
async function load(url: string, total: number, concurrency: number, stopAt?: () => boolean): Promise<{ id: string; at: number }[]> {
  const pool = new Pool(url, { connections: concurrency });
  const acked: { id: string; at: number }[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total && !stopAt?.()) {
        sent++;
        try {
          const res = await pool.request({ path: '/predict', method: 'POST', body: '{"basket":["dog-toy-rope"]}' });
          await res.body.text();
          if (res.statusCode >= 200 && res.statusCode < 300) acked.push({ id: res.headers['x-threadline-prediction-id'] as string, at: Date.now() });
        } catch {
          // the proxy was killed: this request was never acknowledged
        }
      }
    }),
  );
  await pool.destroy();
  return acked;
}

describe.each(dialects)('prediction log durability on %s', (dialect) => {
  it('logs exactly the 2xx responses while the store is slow and then unavailable, after recovery', { timeout: 60_000 }, async () => {
    const url = await freshDatabaseUrl(dialect);
    const store = await openStore(url);
    const up = await upstream();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-durability-'));
    const tracing = await startTracing(store, { home, upstream: up.url, identity: { deploymentId: 'prod#1', modelName: 'reco', modelVersion: 1, runId: 'a'.repeat(32), gitSha }, log: { slowMs: 300, retryMs: 300, flushIntervalMs: 20 } });
    const proxyUrl = await tracing.proxy.listen(0);
    const acked = await load(proxyUrl, 300, 16);
    const release = await blockStore(url, dialect);
    acked.push(...(await load(proxyUrl, 800, 16)));
    await new Promise((r) => setTimeout(r, 400));
    expect(tracing.log.degraded).toBe(true);
    await release();
    acked.push(...(await load(proxyUrl, 300, 16)));
    await tracing.close();
    const m = tracing.log.metrics;
    expect(m.journaled).toBeGreaterThan(0);
    expect(m.dropped).toBe(0);
    const predictions = new PredictionStore(store);
    expect(await predictions.count()).toBe(acked.length);
    expect((await predictions.existing(acked.map((a) => a.id))).size).toBe(acked.length);
    const shas = await predictions.db.selectFrom('predictions').select('git_sha').distinct().execute();
    expect(shas).toEqual([{ git_sha: gitSha }]);
    expect(fs.readdirSync(path.join(home, 'journal'))).toEqual([]);
    await store.close();
    await up.close();
  });

  it('after kill -9 of the proxy mid-load, a restart replays the journal: nothing acknowledged before the last window is missing', { timeout: 120_000 }, async () => {
    const url = await freshDatabaseUrl(dialect);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-kill-'));
    const env = { THREADLINE_DB_URL: url, THREADLINE_HOME: home, THREADLINE_URL: '', GIT_SHA: gitSha };
    const up = await upstream();
    const proxy = await startCli(['proxy', '--upstream', up.url, '--port', '0', '--fsync-interval', '50'], { cwd: home, env });
    // Healthy for a while, then the store goes away: predictions pile up in the journal.
    const acked = await load(proxy.url, 200, 8);
    const release = await blockStore(url, dialect);
    let killedAt = Infinity;
    setTimeout(() => {
      killedAt = Date.now();
      proxy.child.kill('SIGKILL');
    }, 2000);
    acked.push(...(await load(proxy.url, 1_000_000, 8, () => Date.now() > killedAt + 200)));
    await release();
    expect(fs.readdirSync(path.join(home, 'journal')).length).toBeGreaterThan(0);

    const restarted = await startCli(['proxy', '--upstream', up.url, '--port', '0'], { cwd: home, env });
    const restartedExit = await restarted.stop();
    expect(restarted.stderr()).toMatch(/replayed/);
    expect(restartedExit).toBe(0);
    expect(restarted.stderr()).toMatch(/replayed/);

    const store = await openStore(url);
    const logged = await new PredictionStore(store).existing(acked.map((a) => a.id));
    // The window: one flush interval (50 ms) plus the fsync interval (50 ms here) or the 100 ms SQLite lock wait, with margin.
    const windowMs = 400;
    const old = acked.filter((a) => a.at < killedAt - windowMs);
    expect(old.length).toBeGreaterThan(100);
    expect(old.filter((a) => !logged.has(a.id))).toEqual([]);
    const lost = acked.filter((a) => !logged.has(a.id));
    const oldestLost = lost.length === 0 ? 0 : killedAt - Math.min(...lost.map((a) => a.at));
    console.log(`kill -9 on ${dialect}: ${acked.length} acknowledged, ${logged.size} logged, ${lost.length} lost, the oldest acknowledged ${oldestLost} ms before the kill`);
    await store.close();
    await up.close();
  });
});
