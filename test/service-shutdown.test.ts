import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PredictionStore } from '../src/serving/prediction-store.js';
import { openStore } from '../src/store/database.js';
import { freshDatabaseUrl } from './dialects.js';
import { startCli } from './serve.js';

/** SIGTERM, as a Kubernetes pod is stopped: requests in flight finish and are logged; the process exits 0. */
describe('shutdown drains in-flight requests', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-drain-'));

  beforeAll(async () => {
    // A model that takes 1.5 s to answer.
    upstream = http.createServer((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"score":0.5}'), 1500);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('proxy: a slow prediction in flight at SIGTERM completes and is in the prediction log', { timeout: 30_000 }, async () => {
    const databaseUrl = await freshDatabaseUrl('postgres');
    const env = { THREADLINE_DB_URL: databaseUrl, THREADLINE_HOME: home, THREADLINE_URL: '', THREADLINE_SHUTDOWN_GRACE: '10s' };
    const proxy = await startCli(['proxy', '--upstream', upstreamUrl, '--port', '0'], { cwd: home, env });
    const answer = fetch(`${proxy.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
    await new Promise((r) => setTimeout(r, 400));
    const exited = proxy.stop('SIGTERM');
    const response = await answer;
    expect(response.status).toBe(200);
    const id = response.headers.get('x-threadline-prediction-id');
    expect(await response.json()).toMatchObject({ score: 0.5 });
    expect(await exited, proxy.stderr()).toBe(0);
    const store = await openStore(databaseUrl);
    try {
      const predictions = new PredictionStore(store);
      expect(await predictions.count()).toBe(1);
      expect([...(await predictions.existing([id!]))]).toEqual([id]);
    } finally {
      await store.close();
    }
  });

  it('server: an upload in flight at SIGTERM completes; exit 0', { timeout: 30_000 }, async () => {
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl('postgres'), THREADLINE_HOME: home, THREADLINE_ARTIFACTS: path.join(home, 'artifacts'), THREADLINE_URL: '' };
    const server = await startCli(['server', '--port', '0'], { cwd: home, env });
    const { port } = new URL(server.url);
    // A body sent over 1.5 s, by hand, so that it is still arriving when SIGTERM comes.
    const upload = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/api/blobs', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      let sent = 0;
      const tick = setInterval(() => {
        req.write(Buffer.alloc(64 * 1024, sent));
        if (++sent === 15) {
          clearInterval(tick);
          req.end();
        }
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 400));
    const exited = server.stop('SIGTERM');
    const result = await upload;
    expect(result.status, result.body).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({ size: 15 * 64 * 1024 });
    expect(await exited, server.stderr()).toBe(0);
  });

  it('server: a request still running at the grace is cut, and the process exits anyway', { timeout: 30_000 }, async () => {
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl('sqlite'), THREADLINE_HOME: home, THREADLINE_ARTIFACTS: path.join(home, 'artifacts'), THREADLINE_URL: '', THREADLINE_SHUTDOWN_GRACE: '1s' };
    const server = await startCli(['server', '--port', '0'], { cwd: home, env });
    const { port } = new URL(server.url);
    // An upload that never ends: it must not hold the pod past its grace.
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/api/blobs', headers: { 'content-type': 'application/octet-stream' } });
    const broken = new Promise<string>((resolve) => {
      req.on('error', (e) => resolve(e.message));
      req.on('response', (res) => resolve(`HTTP ${res.statusCode}`));
    });
    req.write('begun');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const code = await server.stop('SIGTERM');
    expect(code, server.stderr()).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(await broken).toMatch(/socket hang up|ECONNRESET/);
  });
});
