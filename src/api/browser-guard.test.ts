import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';
import { runCli } from '../../test/cli.js';
import { allowedHostsFor, hostOf, isLoopback } from './browser-guard.js';

/** Raw HTTP so that the Host header is what the test says (a DNS-rebinding page's). */
function send(url: string, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url + urlPath, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe.each(dialects)('browser guard on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(() => api.close());
  const runCount = async () => (await api.client.listRuns({})).length;

  it('refuses a Host that is not an address of the server, and serves loopback names', async () => {
    const refused = await send(api.url, 'GET', '/api/experiments', { host: 'attacker.example:5000' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    for (const host of ['localhost:1', '127.0.0.1', '[::1]:5000']) expect((await send(api.url, 'GET', '/api/experiments', { host })).status).toBe(200);
  });

  it('refuses simple cross-site POSTs with nothing created, and keeps JSON clients working', async () => {
    const before = await runCount();
    const mlflowBodyless = await send(api.url, 'POST', '/api/2.0/mlflow/runs/create', {});
    // The MLflow routes phrase every 4xx as MLflow's INVALID_PARAMETER_VALUE (400).
    expect(mlflowBodyless.status).toBe(400);
    expect(JSON.parse(mlflowBodyless.body)).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Bad Request. Content-Type must be one of ['application/json']." });
    const json = JSON.stringify({ experimentName: 'x' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b']) {
      const refused = await send(api.url, 'POST', '/api/runs', { 'content-type': type }, json);
      expect(refused.status).toBe(415);
      expect(JSON.parse(refused.body)).toMatchObject({ error_code: 'INVALID_ARGUMENT' });
    }
    expect(await runCount()).toBe(before);
    expect((await send(api.url, 'POST', '/api/runs', { 'content-type': 'application/json' }, json)).status).toBeLessThan(300);
    const run = await api.client.createRun({ experimentName: 'guard' });
    await api.client.heartbeatRun(run.runId); // a body-less POST from the SDK still passes
    expect(await runCount()).toBe(before + 2);
  });
});

describe('listening address', () => {
  it('knows loopback addresses and host parts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isLoopback(host)).toBe(false);
    expect(hostOf('[::1]:5000')).toBe('::1');
    expect(hostOf('Example.COM:80')).toBe('example.com');
    expect(hostOf('::1')).toBe('::1');
    // A client's URL parser rewrites IPv6 literals; the server bound to one still knows itself.
    expect(hostOf('[::ffff:7f00:1]:5000')).toBe('::ffff:7f00:1');
    expect(hostOf('[0:0:0:0:0:0:0:1]')).toBe('::1');
    expect(allowedHostsFor('::ffff:127.0.0.1').has(hostOf(new URL('http://[::ffff:127.0.0.1]:5000/').host))).toBe(true);
  });

  it('threadline server refuses a non-loopback address without --insecure-no-auth', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-guard-'));
    const result = await runCli(['server', '--host', '0.0.0.0', '--port', '0'], { cwd, env: { THREADLINE_HOME: cwd } });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--insecure-no-auth');
  }, 60_000);
});
