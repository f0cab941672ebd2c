import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Client, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing.js';
import type { Prediction } from '../types.js';
import { TracingProxy, type TracingProxyOptions } from './proxy-server.js';

const identity = { deploymentId: 'prod#3', modelName: 'reco', modelVersion: 7, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40) };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A tiny upstream: /json echoes, /text is plain, /stream sends chunks 50 ms apart, /big is large. */
async function upstream(): Promise<{ url: string; connections: () => number; firstChunk: Promise<string> }> {
  let connections = 0;
  let sawFirstChunk!: (chunk: string) => void;
  const firstChunk = new Promise<string>((resolve) => (sawFirstChunk = resolve));
  // Content-Length as real servers send it; only /stream is chunked.
  const send = (res: http.ServerResponse, status: number, type: string, data: string) =>
    void res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(data) }).end(data);
  const server = http.createServer(async (req, res) => {
    if (req.url === '/first-chunk') {
      // Reports the first body chunk the moment it arrives, then counts the rest.
      let received = 0;
      for await (const chunk of req) {
        if (received === 0) sawFirstChunk(String(chunk));
        received += (chunk as Buffer).length;
      }
      return send(res, 200, 'application/json', JSON.stringify({ received }));
    }
    if (req.url === '/digest') {
      const hash = crypto.createHash('sha256');
      let received = 0;
      for await (const chunk of req) {
        hash.update(chunk as Buffer);
        received += (chunk as Buffer).length;
      }
      return send(res, 200, 'application/json', JSON.stringify({ received, sha256: hash.digest('hex') }));
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/json') return send(res, 200, 'application/json', JSON.stringify({ recommended_items: ['dog-bowl'], echo: body ? JSON.parse(body) : null }));
    if (req.url === '/array') return send(res, 200, 'application/json', '[1,2]');
    if (req.url === '/text') return send(res, 200, 'text/plain', 'plain words');
    if (req.url === '/has-id') return send(res, 200, 'application/json', '{"prediction_id":"theirs","a":1}');
    if (req.url === '/empty') return send(res, 200, 'application/json', '{}');
    if (req.url === '/pretty') return send(res, 200, 'application/json; charset=utf-8', '{\n  "name": "chien à poils longs"\n}\n');
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"part":1');
      await new Promise((r) => setTimeout(r, 150));
      return void res.end(',"part2":2}');
    }
    send(res, 404, 'application/json', '{"error_code":"NOT_FOUND"}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => server.close(() => r())));
  server.closeIdleConnections();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, firstChunk };
}

async function proxy(options: Partial<TracingProxyOptions> & { upstream: string }): Promise<{ url: string; logged: Prediction[] }> {
  const logged: Prediction[] = [];
  const p = new TracingProxy({ identity, sink: { log: (x) => logged.push(x) }, ...options });
  const url = await p.listen(0);
  closers.push(() => p.close());
  return { url, logged };
}

describe('tracing proxy', () => {
  it('ids every prediction, stamps the headers and injects the trace fields into JSON objects', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const res = await request(`${url}/json`, { method: 'POST', body: '{"basket":["dog-toy-rope"]}', headers: { 'content-type': 'application/json' } });
    const text = await res.body.text();
    const body = JSON.parse(text);
    const id = res.headers['x-threadline-prediction-id'] as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(res.headers['x-threadline-run-id']).toBe(identity.runId);
    expect(res.headers['x-threadline-git-sha']).toBe(identity.gitSha);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(text));
    expect(body).toEqual({ recommended_items: ['dog-bowl'], echo: { basket: ['dog-toy-rope'] }, prediction_id: id, model_version: 7, run_id: identity.runId, git_sha: identity.gitSha });
    await waitFor(() => logged.length === 1);
    expect(logged[0]).toMatchObject({ id, deploymentId: 'prod#3', method: 'POST', path: '/json', status: 200, requestBody: '{"basket":["dog-toy-rope"]}', truncated: false, runId: identity.runId, gitSha: identity.gitSha, error: null });
    expect(JSON.parse(logged[0]!.responseBody!).prediction_id).toBe(id);
    expect(logged[0]!.latencyMs).toBeGreaterThan(0);
  });

  it('passes non-JSON, JSON arrays and error statuses through untouched, with the headers', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const text = await request(`${url}/text`);
    expect(await text.body.text()).toBe('plain words');
    expect(text.headers['x-threadline-prediction-id']).toBeTruthy();
    expect(await (await request(`${url}/array`)).body.text()).toBe('[1,2]');
    const missing = await request(`${url}/nope`);
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(await missing.body.text())).toMatchObject({ error_code: 'NOT_FOUND', prediction_id: missing.headers['x-threadline-prediction-id'] });
    await waitFor(() => logged.length === 3);
    expect(logged.map((p) => p.status).sort()).toEqual([200, 200, 404]);
  });

  it('does not inject with inject off', async () => {
    const up = await upstream();
    const { url } = await proxy({ upstream: up.url, inject: false });
    const res = await request(`${url}/json`);
    expect(JSON.parse(await res.body.text())).toEqual({ recommended_items: ['dog-bowl'], echo: null });
    expect(res.headers['x-threadline-prediction-id']).toBeTruthy();
  });

  it('streams a chunked response through as it comes, and logs it whole', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const res = await request(`${url}/stream`);
    expect(res.headers['content-length']).toBeUndefined();
    const arrivals: [number, string][] = [];
    const start = Date.now();
    for await (const chunk of res.body) arrivals.push([Date.now() - start, String(chunk)]);
    expect(arrivals.map((a) => a[1]).join('')).toBe('{"part":1,"part2":2}');
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals[0]![0]).toBeLessThan(100);
    await waitFor(() => logged.length === 1);
    expect(logged[0]!.responseBody).toBe('{"part":1,"part2":2}');
    expect(logged[0]!.latencyMs).toBeGreaterThanOrEqual(140);
  });

  it('keeps connections alive on both sides', async () => {
    const up = await upstream();
    const { url } = await proxy({ upstream: up.url });
    const client = new Client(url);
    closers.push(() => client.close());
    for (let i = 0; i < 20; i++) await (await client.request({ path: '/json', method: 'GET' })).body.text();
    expect(up.connections()).toBe(1);
  });

  it('answers 502 UNAVAILABLE when the upstream is down, and logs the error', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const { url, logged } = await proxy({ upstream: `http://127.0.0.1:${port}` });
    const res = await request(`${url}/json`, { method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(await res.body.text())).toMatchObject({ error_code: 'UNAVAILABLE' });
    expect(res.headers['x-threadline-prediction-id']).toBeTruthy();
    await waitFor(() => logged.length === 1);
    expect(logged[0]).toMatchObject({ status: 502, id: res.headers['x-threadline-prediction-id'], requestBody: '{}' });
    expect(logged[0]!.error).toMatch(/unavailable.*ECONNREFUSED/);
  });

  it('redacts named fields at any depth in the log only, and cuts bodies at the cap', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url, redact: ['email', 'card'], maxBody: 40 });
    const sent = { email: 'a@b.c', basket: ['x'], customer: { card: '4111', name: 'Al' } };
    const res = await request(`${url}/json`, { method: 'POST', body: JSON.stringify(sent) });
    const body = JSON.parse(await res.body.text());
    expect(body.echo).toEqual(sent);
    await waitFor(() => logged.length === 1);
    const p = logged[0]!;
    expect(p.truncated).toBe(true);
    expect(p.requestBody).not.toContain('a@b.c');
    expect(p.requestBody).toContain('"email":"[REDACTED]"');
    expect(p.responseBody).not.toContain('a@b.c');
    expect(p.responseBody!.length).toBeLessThanOrEqual(60);

    const { url: url2, logged: logged2 } = await proxy({ upstream: up.url, redact: ['email', 'card'] });
    await (await request(`${url2}/json`, { method: 'POST', body: JSON.stringify(sent) })).body.text();
    await waitFor(() => logged2.length === 1);
    expect(JSON.parse(logged2[0]!.requestBody!)).toEqual({ email: '[REDACTED]', basket: ['x'], customer: { card: '[REDACTED]', name: 'Al' } });
    expect(JSON.parse(logged2[0]!.responseBody!).echo.customer.card).toBe('[REDACTED]');
  });

  it('samples body capture but logs every prediction', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url, sample: 0 });
    for (let i = 0; i < 5; i++) await (await request(`${url}/json`, { method: 'POST', body: '{"a":1}' })).body.text();
    await waitFor(() => logged.length === 5);
    expect(logged.every((p) => p.requestBody === null && p.responseBody === null)).toBe(true);
  });

  it('streams the request body to the upstream: it sees the first chunk before the client has sent the rest', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const timeout = (ms: number) => new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('the upstream never saw the first chunk: the proxy held the body back')), ms));
    async function* body() {
      yield Buffer.from('{"part":1,');
      // The rest is only sent once the upstream has the first part (a buffering proxy never gets it).
      expect(await Promise.race([up.firstChunk, timeout(3000)])).toBe('{"part":1,');
      yield Buffer.from('"part2":2}');
    }
    const res = await request(`${url}/first-chunk`, { method: 'POST', body: Readable.from(body()), headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(await res.body.text())).toMatchObject({ received: 20 });
    await waitFor(() => logged.length === 1);
    expect(logged[0]).toMatchObject({ status: 200, requestBody: '{"part":1,"part2":2}', truncated: false, error: null });
  });

  it('forwards a body larger than the cap whole, and logs only the capped part, flagged', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url, maxBody: 1024 });
    const big = crypto.randomBytes(3 * 1024 * 1024).toString('hex'); // 6 MiB of text
    const res = await request(`${url}/digest`, { method: 'POST', body: big, headers: { 'content-type': 'text/plain' } });
    const reply = JSON.parse(await res.body.text());
    expect(reply.received).toBe(big.length);
    expect(reply.sha256).toBe(crypto.createHash('sha256').update(big).digest('hex'));
    await waitFor(() => logged.length === 1);
    expect(logged[0]!.requestBody).toBe(big.slice(0, 1024));
    expect(logged[0]!.truncated).toBe(true);
  });

  it('passes Expect: 100-continue requests through (node answers the 100, the upstream gets the body)', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const { port } = new URL(url);
    const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/json', method: 'POST', headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': 9 } });
      req.on('continue', () => req.end('{"a":"b"}'));
      req.on('response', async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode!, text });
      });
      req.on('error', reject);
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).echo).toEqual({ a: 'b' });
    await waitFor(() => logged.length === 1);
    expect(logged[0]!.requestBody).toBe('{"a":"b"}');
  });

  it('splices the trace fields into the upstream JSON as sent, and overrides fields the upstream already set', async () => {
    const up = await upstream();
    const { url } = await proxy({ upstream: up.url });
    const empty = await request(`${url}/empty`);
    const id = empty.headers['x-threadline-prediction-id'];
    expect(JSON.parse(await empty.body.text())).toEqual({ prediction_id: id, model_version: 7, run_id: identity.runId, git_sha: identity.gitSha });
    const pretty = await request(`${url}/pretty`);
    const text = await pretty.body.text();
    expect(Number(pretty.headers['content-length'])).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toMatchObject({ name: 'chien à poils longs', prediction_id: pretty.headers['x-threadline-prediction-id'], git_sha: identity.gitSha });
    const theirs = await request(`${url}/has-id`);
    expect(JSON.parse(await theirs.body.text())).toEqual({ prediction_id: theirs.headers['x-threadline-prediction-id'], a: 1, model_version: 7, run_id: identity.runId, git_sha: identity.gitSha });
  });

  it('logs a client that leaves mid-stream, and stops the upstream request', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const res = await request(`${url}/stream`);
    for await (const _chunk of res.body) break; // leave after the first chunk
    await waitFor(() => logged.length === 1);
    expect(logged[0]).toMatchObject({ status: 200, error: 'client closed the connection before the response ended' });
  });

  it('answers HEAD with the upstream headers and no body, and logs it', async () => {
    const up = await upstream();
    const { url, logged } = await proxy({ upstream: up.url });
    const res = await request(`${url}/text`, { method: 'HEAD' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('11');
    expect(res.headers['x-threadline-prediction-id']).toBeTruthy();
    expect(await res.body.text()).toBe('');
    await waitFor(() => logged.length === 1);
    expect(logged[0]).toMatchObject({ method: 'HEAD', status: 200, responseBody: null, error: null });
  });
});
