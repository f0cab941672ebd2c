import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { imageMetadata } from '../src/release/image/metadata.js';
import type { ModelVersion } from '../src/registry/types.js';
import type { Run } from '../src/tracking/types.js';
import { runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startCli } from './serve.js';

const runId = '0193c1f2aa'.padEnd(32, '7');
const gitSha = '3f9d2c1'.padEnd(40, 'e');

/**
 * Issue 16: a model image runs `threadline serve /model` with the env its build set. The folder
 * knows nothing of its model, and without a deployment row in the store (none on a fresh one)
 * that env is all there is: /health, each answer and each logged prediction carry it.
 */
describe.each(dialects)('threadline serve of a folder, with a model image env, on %s', (dialect) => {
  it('takes THREADLINE_MODEL, THREADLINE_RUN_ID, GIT_SHA and THREADLINE_DEPLOYMENT from the environment', { timeout: 120_000 }, async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-image-env-'));
    const folder = path.join(cwd, 'model');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'predict.mjs'), 'export const load = () => ({}); export async function predict(input) { return { echoed: input }; }');
    // The env exactly as the image build writes it, plus what a Kubernetes manifest adds.
    const version = { name: 'amazon-recommender', version: 1, runId, artifactDigest: null } as unknown as ModelVersion;
    const run = { code: { commitSha: gitSha, remoteUrl: null } } as unknown as Run;
    const imageEnv = imageMetadata(version, run, '2026-12-07T00:00:00Z').env;
    expect(imageEnv).toMatchObject({ THREADLINE_MODEL: 'amazon-recommender/1', THREADLINE_RUN_ID: runId, GIT_SHA: gitSha });
    const env = { ...imageEnv, THREADLINE_DEPLOYMENT: 'prod#7', THREADLINE_URL: '', THREADLINE_HOME: path.join(cwd, 'home'), THREADLINE_DB_URL: await freshDatabaseUrl(dialect) };

    const server = await startCli(['serve', folder, '--port', '0'], { cwd, env });
    try {
      const health = await request(`${server.url}/health`);
      expect(await health.body.json()).toEqual({ status: 'ok', model: 'amazon-recommender', version: 1, run_id: runId, git_sha: gitSha, deployment: 'prod#7' });
      const res = await request(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"basket":["B01"]}' });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ model_version: 1, run_id: runId, git_sha: gitSha });
      expect(res.headers['x-threadline-run-id']).toBe(runId);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const listed = await runCli(['predictions', 'list', '--deployment', 'prod#7', '--json'], { cwd, env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ deploymentId: 'prod#7', modelName: 'amazon-recommender', modelVersion: 1, runId, gitSha })]);
  });
});
