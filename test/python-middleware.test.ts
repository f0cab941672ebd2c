import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-server.js';
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
