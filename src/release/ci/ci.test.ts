import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot, runCli } from '../../../test/cli.js';
import { defaultCiOptions } from './options.js';
import { ciFiles, writeCi } from './write-ci.js';

const options = { ...defaultCiOptions, model: 'amazon-recommender', registry: 'ghcr.io/acme', experiment: 'recommender', train: 'python train.py --data "orders 2026.csv"' };

function githubValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/data/schemas/github-workflow.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** GitLab's own `.gitlab-ci.yml` schema (spec/gitlab-ci/README.md says where it comes from). */
function gitlabValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'spec/gitlab-ci/ci.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** Each `run:` script of a workflow, joined, for checking the commands. */
const scripts = (workflow: { jobs: Record<string, { steps: { run?: string }[] }> }) =>
  Object.values(workflow.jobs)
    .flatMap((job) => job.steps.map((s) => s.run ?? ''))
    .join('\n');

describe('GitHub Actions workflows', () => {
  const files = ciFiles('github', options);
  const validate = githubValidator();
  const train = YAML.parse(files['.github/workflows/threadline-train-deploy.yml']!);
  const rollback = YAML.parse(files['.github/workflows/threadline-rollback.yml']!);

  it('are accepted by the SchemaStore workflow schema', () => {
    for (const [name, text] of Object.entries(files)) {
      const doc = YAML.parseDocument(text);
      expect(doc.errors, name).toEqual([]);
      expect(validate(doc.toJS()) ? [] : validate.errors, name).toEqual([]);
    }
  });

  it('the schema is a real oracle: it refuses a broken workflow', () => {
    expect(validate({ ...train, on: { push: { branches: 'main', bogus: 1 } } })).toBe(false);
    expect(validate({ name: 'x', on: 'push', jobs: { a: { steps: [{ run: 'x' }] } } })).toBe(false);
  });

  it('train-deploy: on push to main, exports GIT_SHA, trains under threadline run, registers, builds, pushes, deploys', () => {
    expect(train.on).toEqual({ push: { branches: ['main'] } });
    const steps = train.jobs['train-deploy'].steps;
    expect(steps.slice(0, 2).map((s: { uses: string }) => s.uses)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4']);
    const run = scripts(train);
    const order = [
      'npm i -g threadline',
      'echo "GIT_SHA=${{ github.sha }}" >> "$GITHUB_ENV"',
      `RUN_ID=$(threadline run --experiment recommender --output model -- python train.py --data "orders 2026.csv")`,
      'threadline models register amazon-recommender --run "$RUN_ID" --artifact model',
      'threadline models alias amazon-recommender champion',
      'docker login ghcr.io -u "$REGISTRY_USER" --password-stdin',
      'threadline image build amazon-recommender@champion --repository ghcr.io/acme/amazon-recommender --push',
      'threadline deploy amazon-recommender@champion --env prod --target kubernetes',
    ].map((needle) => run.indexOf(needle));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(train.env).toMatchObject({ THREADLINE_DB_URL: '${{ secrets.THREADLINE_DB_URL }}', THREADLINE_ACTOR: '${{ github.actor }}' });
  });

  it('rollback: manual, optional run_id input passed through env, rolls back prod', () => {
    expect(rollback.on.workflow_dispatch.inputs.run_id).toMatchObject({ required: false, type: 'string' });
    const step = rollback.jobs.rollback.steps.at(-1);
    expect(step.env).toEqual({ RUN_ID: '${{ inputs.run_id }}' });
    expect(step.run).toBe('threadline rollback --env prod ${RUN_ID:+--run "$RUN_ID"}');
  });
});

describe('GitLab CI pipeline', () => {
  const text = ciFiles('gitlab', options)['.gitlab-ci.yml']!;
  const pipeline = YAML.parse(text);
  const validate = gitlabValidator();

  it("is accepted by GitLab's CI schema", () => {
    const doc = YAML.parseDocument(text);
    expect(doc.errors).toEqual([]);
    expect(validate(doc.toJS()) ? [] : validate.errors).toEqual([]);
  });

  it('the schema is a real oracle: it refuses a broken pipeline', () => {
    expect(validate({ ...pipeline, train: { ...pipeline.train, when: 'sometimes' } })).toBe(false);
    expect(validate({ ...pipeline, deploy: { ...pipeline.deploy, needs: 'build' } })).toBe(false);
    expect(validate({ ...pipeline, rollback: { ...pipeline.rollback, rules: [{ if: '$X', when: 'on_tuesdays' }] } })).toBe(false);
    expect(validate({ ...pipeline, variables: { RUN_ID: { value: '', bogus: 1 } } })).toBe(false);
  });

  it('has train, build and deploy stages on the default branch and a manual rollback with RUN_ID', () => {
    expect(pipeline.stages).toEqual(['train', 'build', 'deploy', 'rollback']);
    expect(pipeline.variables).toMatchObject({ GIT_SHA: '$CI_COMMIT_SHA', RUN_ID: { value: '' } });
    for (const job of ['train', 'build', 'deploy', 'rollback']) {
      expect(pipeline[job].stage).toBe(job);
      expect(Array.isArray(pipeline[job].script)).toBe(true);
      expect(pipeline[job].script.every((line: unknown) => typeof line === 'string')).toBe(true);
    }
    expect(pipeline.train.script[0]).toBe('RUN_ID=$(threadline run --experiment recommender --output model -- python train.py --data "orders 2026.csv")');
    expect(pipeline.train.artifacts).toEqual({ reports: { dotenv: 'train.env' } });
    expect(pipeline.build.needs).toEqual(['train']);
    expect(pipeline.deploy.needs).toEqual(['build']);
    expect(pipeline.build.script[0]).toContain('--push');
    expect(pipeline.deploy.script.at(-1)).toBe('threadline deploy amazon-recommender@champion --env prod --target kubernetes');
    expect(pipeline.rollback.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "web"', when: 'manual' }]);
    expect(pipeline.rollback.script.at(-1)).toBe('threadline rollback --env prod ${RUN_ID:+--run "$RUN_ID"}');
    // Every key is a keyword or a job: jobs are objects with a stage in `stages`.
    const keywords = new Set(['stages', 'variables', 'default']);
    for (const [key, value] of Object.entries(pipeline)) if (!keywords.has(key)) expect(pipeline.stages).toContain((value as { stage: string }).stage);
  });
});

describe('threadline ci', () => {
  it('writes the GitHub workflows and the GitLab pipeline into --dir and prints their paths', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-ci-cli-'));
    const github = await runCli(['ci', 'github', '--dir', dir, '--model', 'reco', '--registry', 'ghcr.io/acme', '--experiment', 'exp'], { cwd: dir });
    expect(github.code, github.stderr).toBe(0);
    expect(github.stdout.trim().split('\n').map((f) => path.relative(dir, f))).toEqual(['.github/workflows/threadline-train-deploy.yml', '.github/workflows/threadline-rollback.yml']);
    const workflow = YAML.parse(fs.readFileSync(path.join(dir, '.github/workflows/threadline-train-deploy.yml'), 'utf8'));
    expect(githubValidator()(workflow)).toBe(true);
    expect(scripts(workflow)).toContain('threadline image build reco@champion --repository ghcr.io/acme/reco --push');
    const gitlab = await runCli(['ci', 'gitlab', '--dir', dir], { cwd: dir });
    expect([gitlab.code, gitlab.stdout]).toEqual([0, `${path.join(dir, '.gitlab-ci.yml')}\n`]);
    expect(gitlabValidator()(YAML.parse(fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')))).toBe(true);
    expect((await runCli(['ci', 'jenkins', '--dir', dir], { cwd: dir })).code).toBe(2);
  });
});

describe('writeCi', () => {
  it('writes the files under the given folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-ci-'));
    const written = await writeCi(dir, 'github', options);
    expect(written.map((f) => path.relative(dir, f)).sort()).toEqual(['.github/workflows/threadline-rollback.yml', '.github/workflows/threadline-train-deploy.yml']);
    await expect(writeCi(dir, 'jenkins' as 'github', options)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
