import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/api/server.js';
import { openThreadline, type Threadline } from '../src/context.js';
import { startPostgres, type PostgresServer } from './services/postgres.js';

/**
 * The database goes away under a running server (its own PostgreSQL here, so that the shared one
 * stays up): calls answer 503 UNAVAILABLE (MLflow: TEMPORARILY_UNAVAILABLE), readiness says the
 * store failed, liveness stays up, each 5xx is one JSON log line with its cause, nothing crashes,
 * and everything works again once the database is back.
 */
describe('a database restart under a running server', () => {
  let pg: PostgresServer;
  let tl: Threadline;
  let url: string;
  let close: () => Promise<void>;
  const log = new PassThrough();
  let logged = '';
  log.on('data', (d: Buffer) => (logged += d));

  beforeAll(async () => {
    pg = await startPostgres();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-health-'));
    tl = await openThreadline({ databaseUrl: pg.url, artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const server = await startServer(tl, '127.0.0.1', 0, { logLevel: 'info', logStream: log });
    url = server.url;
    close = async () => {
      await server.app.close();
      await tl.close();
    };
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await pg?.stop();
  });

  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 50));
  };
  const get = async (p: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url + p, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('a restart that ends the idle pooled connections costs no process', { timeout: 60_000 }, async () => {
    expect(await get('/api/health/ready')).toEqual({ status: 200, body: { status: 'ok', checks: { store: 'ok', artifacts: 'ok' } } });
    expect((await get('/api/experiments')).status).toBe(200);

    // Connections idle in the pool when the server goes each get an 'error' event (57P01).
    await pg.restart();
    expect((await get('/api/experiments')).status).toBe(200);
  });

  it('answers UNAVAILABLE, readiness names the store, liveness stays up, the 5xx are logged without secrets', { timeout: 60_000 }, async () => {
    const down = pg.restart(4000);
    // Once the connections are gone, the server is stopped for 4 s.
    await until(async () => (await get('/api/experiments')).status === 503);
    const native = await get('/api/experiments', { authorization: 'Bearer very-secret-token' });
    expect(native).toEqual({ status: 503, body: { error_code: 'UNAVAILABLE', message: expect.stringMatching(/^database unavailable: /) } });
    const mlflow = await get('/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default');
    expect(mlflow).toMatchObject({ status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
    const ready = await get('/api/health/ready');
    expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', failed: ['store'], checks: { artifacts: 'ok' } } });
    expect((await get('/api/health')).status).toBe(503);
    expect(await get('/api/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    await down;

    expect((await get('/api/health/ready')).status).toBe(200);
    expect((await get('/api/experiments')).status).toBe(200);
    const lines = logged.trim().split('\n').map((l) => JSON.parse(l) as { level: number; err?: { message: string }; msg: string });
    const failures = lines.filter((l) => l.level === 50);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]!.err!.message).toMatch(/^database unavailable: /);
    expect(logged).not.toContain('very-secret-token');
  });

  it('/metrics counts requests by route pattern and status', async () => {
    await get('/api/runs/0123456789abcdef0123456789abcdef');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/threadline_http_requests_total\{method="GET",route="\/api\/experiments",status="503"\} [1-9]/);
    expect(text).toMatch(/threadline_http_requests_total\{method="GET",route="\/api\/runs\/:id",status="404"\} 1/);
    expect(text).toMatch(/threadline_http_request_duration_seconds_bucket\{le="[0-9.]+",method="GET",route="\/api\/health\/ready",status="200"\}/);
    expect(text).not.toContain('0123456789abcdef0123456789abcdef');
  });
});
