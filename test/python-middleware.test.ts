import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadlineClient } from '../src/sdk/client.js';
import { startTestApi, type TestApi } from './api-server.js';
import { startIngestAuthServer } from './ingest-auth-server.js';
import { repoRoot } from './cli.js';
import { dialects } from './dialects.js';

const run = promisify(execFile);
const clientDir = path.join(repoRoot, 'clients/python');
// Debian's interpreter: the one with python3-fastapi, -uvicorn and -httpx (no PyPI on CI).
const python = '/usr/bin/python3';
const { THREADLINE_URL: _ignored, ...cleanEnv } = process.env;

describe('the Python ASGI middleware', () => {
  it('passes its unittest suite (clients/python/tests)', async () => {
    const { stderr } = await run(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], { cwd: clientDir, env: cleanEnv, timeout: 120_000 });
    expect(stderr).toMatch(/Ran \d+ tests[\s\S]*\nOK\n?$/);
  }, 130_000);
});

// A FastAPI app with the middleware, served in-process (Starlette's TestClient), against a real server.
const script = `
import json, sys
from fastapi import FastAPI
from starlette.testclient import TestClient
from threadline_middleware import ThreadlineMiddleware
app = FastAPI()
@app.post("/predict")
async def predict(body: dict) -> dict:
    return {"items": ["B07"], "password": body.get("password")}
app.add_middleware(ThreadlineMiddleware, spool_dir=sys.argv[1], redact=["password"])
client = TestClient(app)
ids = [client.post("/predict", json={"basket": [str(i)], "password": "hunter2"}).headers["x-threadline-prediction-id"] for i in range(25)]
middleware = app.middleware_stack.app
middleware.shipper.close()
print(json.dumps({"ids": ids, "stats": middleware.shipper.stats}))
`;

describe.each(dialects)('the Python middleware against a real server on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi(dialect)));
  afterAll(() => api.close());

  it('ships every record to POST /api/predictions:batch, redacted, with the identity of the environment', async () => {
    const spool = path.join(api.home, 'spool');
    const env = { ...cleanEnv, PYTHONPATH: clientDir, THREADLINE_URL: api.url, THREADLINE_DEPLOYMENT: 'prod#2', THREADLINE_MODEL: 'amazon-recommender/3', GIT_SHA: 'b'.repeat(40), THREADLINE_RUN_ID: 'c'.repeat(32) };
    const { stdout } = await run(python, ['-c', script, spool], { env, timeout: 60_000 });
    const { ids, stats } = JSON.parse(stdout) as { ids: string[]; stats: Record<string, number> };
    expect(stats).toMatchObject({ queued: 25, sent: 25, spooled: 0 });
    const logged = await api.client.listPredictions({ deploymentId: 'prod#2', limit: 100 });
    expect(logged.map((p) => p.id).sort()).toEqual([...ids].sort());
    const one = await api.client.getPrediction(ids[3]!);
    expect(one).toMatchObject({ deploymentId: 'prod#2', modelName: 'amazon-recommender', modelVersion: 3, gitSha: 'b'.repeat(40), runId: 'c'.repeat(32), status: 200, method: 'POST', path: '/predict' });
    expect(JSON.parse(one.requestBody!)).toEqual({ basket: ['3'], password: '[REDACTED]' });
    expect(JSON.parse(one.responseBody!)).toMatchObject({ prediction_id: ids[3], password: '[REDACTED]', run_id: 'c'.repeat(32) });
    expect(fs.readdirSync(spool).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  }, 90_000);
});

// The same app with a token the server refuses: traffic for `seconds`, then the health and the log lines.
const refusedScript = `
import json, logging, sys, time
from fastapi import FastAPI
from starlette.testclient import TestClient
from threadline_middleware import ThreadlineMiddleware
lines = []
class Keep(logging.Handler):
    def emit(self, record):
        lines.append(self.format(record))
logging.getLogger("threadline.middleware").addHandler(Keep())
app = FastAPI()
@app.post("/predict")
async def predict(body: dict) -> dict:
    return {"items": ["B07"]}
app.add_middleware(ThreadlineMiddleware, spool_dir=sys.argv[1], retry_interval=0.1, max_retry_interval=0.8)
client = TestClient(app)
ids = []
started = time.monotonic()
while True:  # one request at least
    ids.append(client.post("/predict", json={"basket": ["B01"]}).headers["x-threadline-prediction-id"])
    if time.monotonic() - started >= float(sys.argv[2]):
        break
    time.sleep(0.005)
middleware = app.middleware_stack.app
health = middleware.health()
middleware.shipper.close()
print(json.dumps({"ids": ids, "health": health, "lines": lines}))
`;

describe('the Python middleware against a server that refuses its token', () => {
  let api: TestApi;
  let goodToken = '';
  let viewerToken = '';
  let batches: number[] = [];
  beforeAll(async () => {
    ({ api, goodToken, viewerToken, batches } = await startIngestAuthServer());
  });
  afterAll(() => api.close());

  const env = (token: string) => ({ ...cleanEnv, PYTHONPATH: clientDir, THREADLINE_URL: api.url, THREADLINE_TOKEN: token, THREADLINE_DEPLOYMENT: 'refused#py' });

  it('401: one log line without the token, spooled, retried with backoff (no tight loop), in health(); replayed with the right token', async () => {
    const spool = path.join(api.home, 'spool-401');
    const badToken = 'tl_this-is-not-a-real-token-0123456789';
    batches.length = 0;
    const started = Date.now();
    const { stdout } = await run(python, ['-c', refusedScript, spool, '3'], { env: env(badToken), timeout: 60_000 });
    const ended = Date.now();
    const { ids, health, lines } = JSON.parse(stdout) as { ids: string[]; health: Record<string, unknown> & { stats: Record<string, number> }; lines: string[] };
    // Python starts in under a second; its 3 s of traffic are within [started, ended].
    const posts = batches.filter((t) => t >= started && t <= ended).length;
    // Retried after 0.1, 0.2, 0.4, 0.8, 0.8 s (plus one at exit): about 7 posts; every 0.1 s would be ~30, a tight loop thousands.
    expect(posts).toBeGreaterThanOrEqual(3);
    expect(posts).toBeLessThanOrEqual(10);
    expect(health).toMatchObject({ state: 'refused', refused_status: 401, stats: { sent: 0, queued: ids.length } });
    expect(health.last_error).toMatch(/answered 401: UNAUTHENTICATED: the bearer token is unknown, expired or revoked \(check the token: THREADLINE_TOKEN\)/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^threadline: predictions refused, a configuration error: http:\/\/127\.0\.0\.1:\d+\/api\/predictions:batch answered 401/);
    expect(stdout).not.toContain(badToken);
    const client = new ThreadlineClient(api.url, { token: goodToken });
    try {
      expect(await client.listPredictions({ deploymentId: 'refused#py', limit: 1000 })).toEqual([]);
      // Nothing was set aside: the next start with the right token replays the spool.
      const { stdout: again } = await run(python, ['-c', refusedScript, spool, '0'], { env: env(goodToken), timeout: 60_000 });
      const second = JSON.parse(again) as { ids: string[]; health: { state: string } };
      expect(second.health.state).not.toBe('refused');
      const logged = await client.listPredictions({ deploymentId: 'refused#py', limit: 1000 });
      expect(logged.map((p) => p.id).sort()).toEqual([...ids, ...second.ids].sort());
      expect(fs.readdirSync(spool).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
    } finally {
      await client.close();
    }
  }, 90_000);

  it('403 (a read-only token) is refused the same way', async () => {
    const { stdout } = await run(python, ['-c', refusedScript, path.join(api.home, 'spool-403'), '0.3'], { env: env(viewerToken), timeout: 60_000 });
    const { health, lines } = JSON.parse(stdout) as { health: Record<string, unknown>; lines: string[] };
    expect(health).toMatchObject({ state: 'refused', refused_status: 403 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/answered 403: PERMISSION_DENIED: .*\(check the token: THREADLINE_TOKEN\)/);
    expect(stdout).not.toContain(viewerToken);
  }, 90_000);
});
