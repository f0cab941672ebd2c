import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startCli } from './serve.js';

const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ also: { 'dog-toy-rope': ['dog-bowl', 'dog-treats'] } }));
fs.writeFileSync('model/predict.mjs', \`
import fs from 'node:fs';
export const load = (dir) => JSON.parse(fs.readFileSync(dir + '/model.json', 'utf8'));
export async function predict(input, context) {
  if (!Array.isArray(input.basket)) throw new Error('basket must be a list');
  return { recommended_items: input.basket.flatMap((item) => context.state.also[item] ?? []) };
}\`);
`;

describe.each(dialects)('threadline serve, predictions and feedback on %s', (dialect) => {
  it('serves a registered JavaScript model with the tracing proxy built in, logs every prediction and takes feedback', { timeout: 180_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
    const commit = git(repo, 'rev-parse', 'HEAD');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

    const runId = (await cli('run', '--output', 'model', '--', 'node', 'train.js')).stdout.trim();
    expect((await cli('models', 'register', 'reco', '--run', runId, '--artifact', 'model')).stdout).toBe('reco/1\n');
    expect((await cli('models', 'alias', 'reco', 'champion', '1')).code).toBe(0);
    // The model files are never read from the repo: delete them to prove it.
    fs.rmSync(path.join(repo, 'model'), { recursive: true });

    const server = await startCli(['serve', 'reco@champion', '--port', '0', '--deployment', 'dev#1'], { cwd: repo, env });
    try {
      const health = await request(`${server.url}/health`);
      expect(health.statusCode).toBe(200);
      expect(await health.body.json()).toEqual({ status: 'ok', model: 'reco', version: 1, run_id: runId, git_sha: commit, deployment: 'dev#1' });

      const ids: string[] = [];
      for (const route of ['/predict', '/invocations']) {
        const res = await request(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"basket": ["dog-toy-rope"]}' });
        const body = (await res.body.json()) as Record<string, unknown>;
        expect(res.statusCode).toBe(200);
        expect(body).toEqual({ predictions: { recommended_items: ['dog-bowl', 'dog-treats'] }, prediction_id: res.headers['x-threadline-prediction-id'], model_version: 1, run_id: runId, git_sha: commit });
        expect(res.headers['x-threadline-git-sha']).toBe(commit);
        expect(res.headers['x-threadline-run-id']).toBe(runId);
        ids.push(body.prediction_id as string);
      }
      const bad = await request(`${server.url}/predict`, { method: 'POST', body: '{"basket": 3}' });
      expect(bad.statusCode).toBe(400);
      expect(await bad.body.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT', message: 'predict failed: basket must be a list' });
      expect(fs.existsSync(path.join(repo, '.threadline/models/reco/1/predict.mjs'))).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // Any other server, behind the same proxy: it reads its identity from the environment, as the seed's FastAPI app.
    const app = `require('http').createServer((q, s) => { const b = JSON.stringify({ git_sha: process.env.git_sha, run_id: process.env.run_id, GIT_SHA: process.env.GIT_SHA, model: process.env.THREADLINE_MODEL, files: require('fs').readdirSync(process.env.MODEL_DIR).sort() }); s.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) }).end(b); }).listen(Number(process.argv[1]), '127.0.0.1')`;
    const command = await startCli(['serve', 'reco/1', '--port', '0', '--command', `node -e "${app}" {port}`], { cwd: repo, env });
    try {
      const res = await request(`${command.url}/anything`, { method: 'POST', body: '{}' });
      const body = (await res.body.json()) as Record<string, unknown>;
      expect(body).toEqual({ git_sha: commit, run_id: runId, GIT_SHA: commit, model: 'reco/1', files: ['.threadline-digest', 'model.json', 'predict.mjs'], prediction_id: res.headers['x-threadline-prediction-id'], model_version: 1 });
      expect((await (await request(`${command.url}/health`)).body.json())).toMatchObject({ status: 'ok', deployment: null, git_sha: commit });
    } finally {
      expect(await command.stop()).toBe(0);
    }

    const listed = JSON.parse((await cli('predictions', 'list', '--deployment', 'dev#1', '--since', '1h', '--json')).stdout) as { id: string; status: number; gitSha: string; runId: string }[];
    expect(listed).toHaveLength(3);
    expect(listed.map((p) => p.status).sort()).toEqual([200, 200, 400]);
    expect(listed.every((p) => p.gitSha === commit && p.runId === runId)).toBe(true);
    const [first] = listed.filter((p) => p.status === 200);
    expect((await cli('predictions', 'list', '--deployment', 'prod#9', '--json')).stdout.trim()).toBe('[]');

    fs.writeFileSync(path.join(repo, 'truth.jsonl'), [JSON.stringify({ prediction_id: first!.id, label: ['dog-bowl'] }), JSON.stringify({ prediction_id: '01900000-0000-7000-8000-000000000000', label: 1 }), 'not json'].join('\n'));
    const imported = JSON.parse((await cli('feedback', 'truth.jsonl', '--json')).stdout);
    expect(imported).toEqual({ recorded: 1, unknown: 1, unknownIds: ['01900000-0000-7000-8000-000000000000'], invalid: 1 });
    fs.writeFileSync(path.join(repo, 'truth.csv'), `prediction_id,label,source\n${first!.id},"dog-bowl, large",survey\n`);
    expect((await cli('feedback', 'truth.csv')).stdout).toBe('1 feedback rows recorded\n');

    const shown = JSON.parse((await cli('predictions', 'show', first!.id, '--json')).stdout);
    expect(shown).toMatchObject({ id: first!.id, deploymentId: 'dev#1', modelName: 'reco', modelVersion: 1, method: 'POST', status: 200, requestBody: '{"basket": ["dog-toy-rope"]}' });
    expect(JSON.parse(shown.responseBody).prediction_id).toBe(first!.id);
    expect(shown.feedback.map((f: { label: unknown; source: string | null }) => [f.label, f.source])).toEqual([
      [['dog-bowl'], null],
      ['dog-bowl, large', 'survey'],
    ]);
    const text = (await cli('predictions', 'show', first!.id)).stdout;
    expect(text).toContain(`git sha     ${commit}`);
    expect((await cli('predictions', 'show', 'nope')).code).toBe(3);
  });
});
