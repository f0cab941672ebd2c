import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { linearClassifier } from '../src/serving/model/fixtures/fixture-models.js';
import { git, makeGitRepo, repoRoot, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startCli } from './serve.js';

const onnxBytes = fs.readFileSync(path.join(repoRoot, 'src/serving/model/fixtures/linear-classifier.onnx'));

// "Training" writes an MLflow-style model folder: MLmodel with the onnx flavor, and model.onnx.
const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.onnx', Buffer.from('${onnxBytes.toString('base64')}', 'base64'));
fs.writeFileSync('model/MLmodel', 'flavors:\\n  onnx:\\n    data: model.onnx\\n    onnx_version: 1.12.0\\n  python_function:\\n    loader_module: mlflow.onnx\\n');
`;

/** The same classifier in plain JS (float32 weights): what the served predictions must equal. */
function classify(row: number[]): { probabilities: number[]; label: number } {
  const f = Math.fround;
  const logits = linearClassifier.bias.map((b, j) => f(b) + row.reduce((sum, x, i) => sum + f(x) * f(linearClassifier.weights[i]![j]!), 0));
  const exps = logits.map((l) => Math.exp(l - Math.max(...logits)));
  return { probabilities: exps.map((e) => e / exps.reduce((a, b) => a + b, 0)), label: logits.indexOf(Math.max(...logits)) };
}

const post = async (url: string, body: string) => {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
};

describe.each(dialects)('threadline serve of an ONNX model on %s', (dialect) => {
  it('serves a registered ONNX model through onnxruntime-node behind the tracing proxy', { timeout: 180_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
    const commit = git(repo, 'rev-parse', 'HEAD');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

    const runId = (await cli('run', '--output', 'model', '--', 'node', 'train.js')).stdout.trim();
    expect((await cli('models', 'register', 'clf', '--run', runId, '--artifact', 'model')).stdout).toBe('clf/1\n');
    expect((await cli('models', 'alias', 'clf', 'champion', '1')).code).toBe(0);
    fs.rmSync(path.join(repo, 'model'), { recursive: true });

    const rows = [
      [1, 2, 3, 4],
      [-0.5, 0.25, 2, -3],
    ];
    const expected = rows.map(classify);
    const server = await startCli(['serve', 'clf@champion', '--port', '0', '--deployment', 'dev#1'], { cwd: repo, env });
    try {
      expect(server.stderr()).toContain('(onnx)');
      const health = await request(`${server.url}/health`);
      expect(health.statusCode).toBe(200);
      expect(await health.body.json()).toEqual({
        status: 'ok', model: 'clf', version: 1, run_id: runId, git_sha: commit, deployment: 'dev#1', flavor: 'onnx',
        inputs: [{ name: 'features', type: 'float32', shape: ['batch', 4] }],
        outputs: [{ name: 'probabilities', type: 'float32', shape: ['batch', 3] }, { name: 'label', type: 'int64', shape: ['batch'] }],
      });

      const bodies: [string, unknown][] = [
        ['/predict', { inputs: rows }],
        ['/invocations', { dataframe_split: { columns: ['a', 'b', 'c', 'd'], data: rows } }],
      ];
      for (const [route, body] of bodies) {
        const res = await post(`${server.url}${route}`, JSON.stringify(body));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ prediction_id: res.headers['x-threadline-prediction-id'], model_version: 1, run_id: runId, git_sha: commit });
        expect(res.headers['x-threadline-git-sha']).toBe(commit);
        expect(res.headers['x-threadline-run-id']).toBe(runId);
        const predictions = res.body.predictions as { probabilities: number[][]; label: number[] };
        expect(predictions.label).toEqual(expected.map((e) => e.label));
        predictions.probabilities.flat().forEach((p, i) => expect(Math.abs(p - expected.flatMap((e) => e.probabilities)[i]!)).toBeLessThan(1e-6));
      }
      const bad = await post(`${server.url}/invocations`, '{"inputs": [[1, 2, 3]]}');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: "input 'features' has shape [1, 3]; the model expects shape [batch, 4] (float32)" });
      expect(bad.headers['x-threadline-prediction-id']).toBeTruthy();
      expect((await post(`${server.url}/predict`, '{"inputs": [[1, 2, 3, 4]]}')).status).toBe(200); // still serving
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const listed = JSON.parse((await cli('predictions', 'list', '--deployment', 'dev#1', '--json')).stdout) as { id: string; status: number; gitSha: string; runId: string; modelName: string }[];
    expect(listed.map((p) => p.status).sort()).toEqual([200, 200, 200, 400]);
    expect(listed.every((p) => p.gitSha === commit && p.runId === runId && p.modelName === 'clf')).toBe(true);
    const rejected = listed.find((p) => p.status === 400)!;
    const shown = JSON.parse((await cli('predictions', 'show', rejected.id, '--json')).stdout);
    expect(shown).toMatchObject({ requestBody: '{"inputs": [[1, 2, 3]]}' });
    expect(JSON.parse(shown.responseBody).message).toContain('[batch, 4]');

    // The image entrypoint serves a folder (`threadline serve /model`) with the identity in its environment.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-image-model-'));
    fs.writeFileSync(path.join(folder, 'model.onnx'), onnxBytes);
    const image = await startCli(['serve', folder, '--port', '0'], { cwd: repo, env: { ...env, THREADLINE_RUN_ID: runId, GIT_SHA: commit } });
    try {
      const res = await post(`${image.url}/invocations`, JSON.stringify({ instances: [{ features: rows[0] }] }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ run_id: runId, git_sha: commit, predictions: { label: [expected[0]!.label] } });
    } finally {
      expect(await image.stop()).toBe(0);
    }
  });
});
