import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { startIngestAuthServer } from '../../../test/ingest-auth-server.js';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openStore } from '../../store/database.js';
import { ThreadlineClient } from '../../sdk/client.js';
import { PredictionStore } from '../prediction-store.js';
import { prediction, waitFor } from '../testing.js';
import { createTracingMiddleware, type TracingMiddleware } from './index.js';
import { readJournal } from '../prediction-log/journal.js';
import { IngestInserter } from './ingest-inserter.js';

const identity = { deploymentId: 'prod#5', modelName: 'reco', modelVersion: 2, runId: 'd'.repeat(32), gitSha: 'e'.repeat(40) };
const uuid7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const tempHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-mw-'));

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function expressApp(tracing: TracingMiddleware): http.Server {
  const app = express();
  app.use(tracing.connect);
  app.use(express.json());
  app.post('/predict', (req, res) => void res.json({ items: ['B07'], basket: (req.body as { basket: unknown }).basket }));
  app.get('/empty', (_req, res) => void res.json({}));
  app.get('/list', (_req, res) => void res.json([1, 2]));
  app.get('/text', (_req, res) => void res.type('text/plain').send('hello'));
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  return http.createServer(app);
}

async function fastifyApp(tracing: TracingMiddleware) {
  const app = Fastify();
  await app.register(tracing.fastify);
  app.post('/predict', async (req) => ({ items: ['B07'], basket: (req.body as { basket: unknown }).basket }));
  app.get('/has-id', async () => ({ prediction_id: 'theirs', x: 1 }));
  app.get('/stream', async (_req, reply) => reply.type('application/json').send(Buffer.from('[1,2,3]')));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

const post = (url: string, body: unknown) => request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.each(dialects)('the Node middleware on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi(dialect)));
  afterAll(() => api.close());

  it('Express, to the server: headers and fields as the proxy adds them, one record per request in the log', async () => {
    const tracing = await createTracingMiddleware({ serverUrl: api.url, identity, home: tempHome(), redact: ['secret'] });
    const server = expressApp(tracing);
    const url = await listen(server);
    try {
      const res = await post(`${url}/predict?secret=s3`, { basket: ['B01'], secret: 'x' });
      const id = res.headers['x-threadline-prediction-id'] as string;
      expect(id).toMatch(uuid7);
      expect(res.headers).toMatchObject({ 'x-threadline-run-id': 'd'.repeat(32), 'x-threadline-git-sha': 'e'.repeat(40) });
      const text = await res.body.text();
      expect(text).toBe(`{"items":["B07"],"basket":["B01"],"prediction_id":"${id}","model_version":2,"run_id":"${'d'.repeat(32)}","git_sha":"${'e'.repeat(40)}"}`);
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(text)));
      const empty = await request(`${url}/empty`);
      expect(await empty.body.json()).toEqual({ prediction_id: empty.headers['x-threadline-prediction-id'], model_version: 2, run_id: 'd'.repeat(32), git_sha: 'e'.repeat(40) });
      expect(await (await request(`${url}/list`)).body.text()).toBe('[1,2]');
      expect(await (await request(`${url}/text`)).body.text()).toBe('hello');
      const health = await request(`${url}/health`);
      expect([await health.body.json(), health.headers['x-threadline-prediction-id']]).toEqual([{ status: 'ok' }, undefined]);
      await tracing.log.flush();
      const logged = await api.client.getPrediction(id);
      expect(logged).toMatchObject({ deploymentId: 'prod#5', method: 'POST', path: '/predict?secret=[REDACTED]', status: 200, modelVersion: 2, runId: 'd'.repeat(32), error: null, truncated: false });
      expect(JSON.parse(logged.requestBody!)).toEqual({ basket: ['B01'], secret: '[REDACTED]' });
      expect(logged.responseBody).toBe(text);
      expect((await api.client.listPredictions({ deploymentId: 'prod#5', limit: 100 })).length).toBe(4);
    } finally {
      server.close();
      await tracing.close();
    }
  });

  it('Fastify, straight to the store: the plugin covers every route, JSON rewritten and others untouched', async () => {
    const databaseUrl = await freshDatabaseUrl(dialect);
    const tracing = await createTracingMiddleware({ databaseUrl, identity, home: tempHome(), maxBody: 16 });
    const { app, url } = await fastifyApp(tracing);
    try {
      const res = await post(`${url}/predict`, { basket: ['B01', 'B02', 'B03'] });
      const id = res.headers['x-threadline-prediction-id'] as string;
      expect(await res.body.json()).toEqual({ items: ['B07'], basket: ['B01', 'B02', 'B03'], prediction_id: id, model_version: 2, run_id: 'd'.repeat(32), git_sha: 'e'.repeat(40) });
      const own = await request(`${url}/has-id`);
      expect(await own.body.json()).toEqual({ prediction_id: own.headers['x-threadline-prediction-id'], x: 1, model_version: 2, run_id: 'd'.repeat(32), git_sha: 'e'.repeat(40) });
      expect(await (await request(`${url}/stream`)).body.text()).toBe('[1,2,3]');
      await tracing.log.flush();
      const store = await openStore(databaseUrl);
      try {
        const logged = await new PredictionStore(store).get(id);
        expect(logged).toMatchObject({ deploymentId: 'prod#5', status: 200, requestBody: '{"basket":["B01"', truncated: true });
        expect(await new PredictionStore(store).count()).toBe(3);
      } finally {
        await store.close();
      }
    } finally {
      await app.close();
      await tracing.close();
    }
  });

  it('journals while the server is away and replays when it answers; nothing lost', async () => {
    // A gate in front of the server: 503 while closed, else the server's answer.
    let open = true;
    const gate = http.createServer((req, res) => {
      if (!open) return void res.writeHead(503).end('{"error_code":"UNAVAILABLE","message":"down"}');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void request(`${api.url}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) }).then(async (answer) => {
          res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(await answer.body.text());
        });
      });
    });
    const gateUrl = await listen(gate);
    const tracing = await createTracingMiddleware({ serverUrl: gateUrl, identity: { ...identity, deploymentId: 'gated#1' }, home: tempHome(), log: { retryMs: 100, flushIntervalMs: 20 } });
    const server = expressApp(tracing);
    const url = await listen(server);
    try {
      open = false;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await post(`${url}/predict`, { basket: [String(i)] })).headers['x-threadline-prediction-id'] as string);
      await tracing.log.flush();
      expect(tracing.log.degraded).toBe(true);
      expect(tracing.log.metrics.journaled).toBeGreaterThan(0);
      open = true;
      await waitFor(() => !tracing.log.degraded, 10_000);
      const logged = await api.client.listPredictions({ deploymentId: 'gated#1', limit: 100 });
      expect(logged.map((p) => p.id).sort()).toEqual([...ids].sort());
    } finally {
      server.close();
      gate.close();
      await tracing.close();
    }
  });
});

describe('the Node middleware in front of a slow server', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi('sqlite')));
  afterAll(() => api.close());

  it('keeps no record in memory past the flush interval while an insert is slow: a kill -9 loses only the last one', async () => {
    // Every batch answered 400 ms late, under the slow threshold (2 s): the server is slow, not away.
    const gate = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        setTimeout(() => {
          void request(`${api.url}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) }).then(async (answer) => {
            res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(await answer.body.text());
          });
        }, 400);
      });
    });
    const gateUrl = await listen(gate);
    const home = tempHome();
    const tracing = await createTracingMiddleware({ serverUrl: gateUrl, identity: { ...identity, deploymentId: 'slow#1' }, home, log: { flushIntervalMs: 20, fsyncIntervalMs: 50, slowMs: 2_000 } });
    const server = expressApp(tracing);
    const url = await listen(server);
    try {
      const sent: { id: string; at: number }[] = [];
      const started = Date.now();
      while (Date.now() - started < 1_500) {
        sent.push({ id: (await post(`${url}/predict`, { basket: ['B01'] })).headers['x-threadline-prediction-id'] as string, at: Date.now() });
        await new Promise((r) => setTimeout(r, 5));
      }
      // What a process killed now would leave: the journal, and what the server has.
      const now = Date.now();
      const journaled = new Set(fs.readdirSync(path.join(home, 'journal')).flatMap((f) => readJournal(path.join(home, 'journal', f)).map((p) => p.id)));
      const stored = new Set((await api.client.listPredictions({ deploymentId: 'slow#1', limit: 10_000 })).map((p) => p.id));
      // The last flush interval (20 ms) and the early journaling of a batch in flight (50 ms), with room for a busy machine.
      const lost = sent.filter((s) => s.at < now - 200 && !journaled.has(s.id) && !stored.has(s.id));
      expect(lost.length, `${lost.length} of ${sent.length} records older than 200 ms neither journaled nor stored`).toBe(0);
      expect(tracing.log.degraded).toBe(false);
    } finally {
      server.close();
      await tracing.close();
      gate.close();
    }
  });
});

describe('the Node middleware against a server that refuses its token', () => {
  let api: TestApi;
  let goodToken = '';
  let viewerToken = '';
  let batches: number[] = [];
  beforeAll(async () => {
    ({ api, goodToken, viewerToken, batches } = await startIngestAuthServer());
  });
  afterAll(() => api.close());

  it('401: one log line without the token, journaled, retried with backoff (no tight loop), reported by health(); replayed by a process with the right token', async () => {
    const badToken = 'tl_this-is-not-a-real-token-0123456789';
    const lines: string[] = [];
    const home = tempHome();
    const tracing = await createTracingMiddleware({ serverUrl: api.url, token: badToken, identity: { ...identity, deploymentId: 'refused#1' }, home, log: { flushIntervalMs: 20, retryMs: 100, maxRetryMs: 800, warn: (line) => lines.push(line) } });
    const server = expressApp(tracing);
    const url = await listen(server);
    const ids: string[] = [];
    const started = Date.now();
    batches.length = 0;
    try {
      // 3 s of steady traffic: every flush has records to send.
      while (Date.now() - started < 3_000) {
        ids.push((await post(`${url}/predict`, { basket: [String(ids.length)] })).headers['x-threadline-prediction-id'] as string);
        await new Promise((r) => setTimeout(r, 5));
      }
      const window = batches.filter((t) => t < started + 3_000).length;
      // Retried after 100, 200, 400, 800, 800 ms: 6 posts in 3 s. A fixed 100 ms retry would make ~25, a tight loop thousands.
      expect(window).toBeGreaterThanOrEqual(3);
      expect(window).toBeLessThanOrEqual(9);
      const health = tracing.health();
      expect(health).toMatchObject({ state: 'refused', refusedStatus: 401, metrics: { written: 0, dropped: 0 } });
      expect(health.lastError).toMatch(/answered 401: UNAUTHENTICATED: the bearer token is unknown, expired or revoked \(check the token/);
      expect(health.metrics.refusals).toBe(window);
      expect(health.nextRetryAt! - health.degradedSince!).toBe(800);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^threadline: predictions refused, a configuration error: http:\/\/127\.0\.0\.1:\d+\/api\/predictions:batch answered 401/);
      expect(lines[0]).toContain(path.join(home, 'journal'));
      expect(lines.join('\n') + JSON.stringify(health)).not.toContain(badToken);
    } finally {
      server.close();
      await tracing.close();
    }
    expect(tracing.log.metrics.journaled).toBe(ids.length);
    const client = new ThreadlineClient(api.url, { token: goodToken });
    try {
      expect(await client.listPredictions({ deploymentId: 'refused#1', limit: 1000 })).toEqual([]);
      // Nothing was dropped: the same home with the right token replays the journal at start.
      const fixed = await createTracingMiddleware({ serverUrl: api.url, token: goodToken, identity, home, log: { warn: (line) => lines.push(line) } });
      expect(fixed.health().state).toBe('ok');
      await fixed.close();
      const logged = await client.listPredictions({ deploymentId: 'refused#1', limit: 1000 });
      expect(logged.map((p) => p.id).sort()).toEqual([...ids].sort());
    } finally {
      await client.close();
    }
  });

  it('a batch past the server\'s 16 MiB limit is sent in parts, not refused with 413', async () => {
    const inserter = new IngestInserter(api.url, goodToken);
    const body = 'x'.repeat(64 * 1024);
    const records = Array.from({ length: 140 }, () => prediction({ deploymentId: 'big#1', requestBody: body, responseBody: body }));
    const before = batches.length;
    try {
      await inserter.insertBatch(records);
    } finally {
      await inserter.close();
    }
    expect(batches.length - before).toBeGreaterThan(4);
    const client = new ThreadlineClient(api.url, { token: goodToken });
    try {
      expect((await client.listPredictions({ deploymentId: 'big#1', limit: 1000 })).length).toBe(140);
    } finally {
      await client.close();
    }
  });

  it('403 (a read-only token) is refused the same way', async () => {
    const lines: string[] = [];
    const tracing = await createTracingMiddleware({ serverUrl: api.url, token: viewerToken, identity: { ...identity, deploymentId: 'refused#2' }, home: tempHome(), log: { flushIntervalMs: 20, warn: (line) => lines.push(line) } });
    const server = expressApp(tracing);
    const url = await listen(server);
    try {
      for (let i = 0; i < 5; i++) await post(`${url}/predict`, { basket: [String(i)] });
      await tracing.log.flush();
      expect(tracing.health()).toMatchObject({ state: 'refused', refusedStatus: 403 });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/answered 403: PERMISSION_DENIED: .*\(check the token/);
      expect(lines[0]).not.toContain(viewerToken);
    } finally {
      server.close();
      await tracing.close();
    }
  });
});

describe('createTracingMiddleware', () => {
  it('says what it needs when given neither a server nor a store', async () => {
    const saved = { url: process.env.THREADLINE_URL, db: process.env.THREADLINE_DB_URL };
    delete process.env.THREADLINE_URL;
    delete process.env.THREADLINE_DB_URL;
    try {
      await expect(createTracingMiddleware()).rejects.toThrow(/needs a Threadline server \(serverUrl or THREADLINE_URL\) or a store/);
    } finally {
      if (saved.url !== undefined) process.env.THREADLINE_URL = saved.url;
      if (saved.db !== undefined) process.env.THREADLINE_DB_URL = saved.db;
    }
  });
});
