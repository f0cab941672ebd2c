import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeGitRepo } from '../../../test/cli.js';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openThreadline, type Threadline } from '../../context.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import { readProject } from '../project-file.js';
import { planObservers, pokeOnce, runOnce } from '../scheduler.js';

function packageLock(deps: Record<string, string>): string {
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } };
  for (const [name, version] of Object.entries(deps)) packages[`node_modules/${name}`] = { version, resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz` };
  return JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

describe.each(dialects)('code observer on %s', (dialect) => {
  let tl: Threadline;
  let repo: string;

  beforeAll(async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-code-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    repo = makeGitRepo({
      'train.py': 'print("train")\n',
      'package-lock.json': packageLock({ express: '4.18.2', lodash: '4.17.21', debug: '2.6.9' }),
      'requirements.txt': 'numpy==1.26.4\npandas==2.2.0\n',
      'README.md': '# app\n',
      '.gitignore': '.threadline\n',
    });
  });
  afterAll(() => tl.close());

  const poke = async (settings: Record<string, unknown> = {}) => {
    const project = readProject({ observe: { code: settings } }, path.join(repo, 'threadline.yaml'));
    return (await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} }))[0]!;
  };

  it('records HEAD, reports a commit by category with the lockfile diff, and stays quiet when nothing moved', async () => {
    const checks = { checks: [{ name: 'lint', command: 'test -f train.py && echo lint ok' }, { name: 'unit', command: 'echo "2 failed, token at https://bob:hunter2@ci.example.com/x" >&2; exit 3' }] };
    const first = await poke(checks);
    expect(first.ok).toBe(true);
    expect(first.events.map((e) => e.kind)).toEqual(['commit', 'dependencies_changed', 'check_failed']);
    const head = git(repo, 'rev-parse', 'HEAD');
    const code = await new ProvenanceStore(tl.store.db).code(first.events[0]!.subjects[0]!.id);
    expect(code).toMatchObject({ commitSha: head, dirty: false });

    // The real change: a Python file, a k8s manifest, a feature file and package-lock.json in one commit.
    fs.writeFileSync(path.join(repo, 'train.py'), 'print("train harder")\n');
    fs.mkdirSync(path.join(repo, 'deploy-k'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'deploy-k/app.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n');
    fs.writeFileSync(path.join(repo, 'settings.yaml'), 'lr: 0.1\n');
    fs.mkdirSync(path.join(repo, 'pipeline'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'pipeline/user_feats.sql'), 'select 1\n');
    fs.writeFileSync(path.join(repo, 'package-lock.json'), packageLock({ express: '4.19.2', lodash: '4.17.21', zod: '3.23.8' }));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'bump express, add zod');
    const next = git(repo, 'rev-parse', 'HEAD');

    const second = await poke({ ...checks, paths: { features: ['pipeline/*_feats.sql'] } });
    expect(second.events.map((e) => [e.kind, e.severity])).toEqual([['commit', 'info'], ['dependencies_changed', 'warning'], ['check_failed', 'error']]);
    const [commit, deps, failed] = second.events as [typeof second.events[0], typeof second.events[0], typeof second.events[0]];
    expect(commit.summary).toContain('bump express, add zod');
    expect(commit.details).toMatchObject({
      commit: next,
      previous: head,
      commits: 1,
      changes: { code: ['train.py'], manifests: ['deploy-k/app.yaml'], config: ['settings.yaml'], features: ['pipeline/user_feats.sql'], dependencies: ['package-lock.json'] },
      checks: [{ name: 'lint', exitCode: 0, ok: true }, { name: 'unit', exitCode: 3, ok: false }],
    });
    expect(deps.details).toMatchObject({
      added: 1,
      removed: 1,
      changed: 1,
      files: [{ path: 'package-lock.json', status: 'M', diff: { added: [{ name: 'zod', version: '3.23.8' }], removed: [{ name: 'debug', version: '2.6.9' }], changed: [{ name: 'express', from: '4.18.2', to: '4.19.2' }] } }],
    });
    expect(failed.details).toMatchObject({ name: 'unit', exitCode: 3, timedOut: false });
    expect(failed.details.outputTail).toContain('2 failed');
    expect(failed.details.outputTail).not.toContain('hunter2');
    for (const e of second.events) expect(e.subjects).toEqual([{ type: 'code', id: expect.stringMatching(/^sha256:/) }]);
    expect(commit.subjects[0]!.id).not.toBe(first.events[0]!.subjects[0]!.id);
    expect((await tl.events.list({ subject: commit.subjects[0]! })).map((e) => e.kind).sort()).toEqual(['check_failed', 'commit', 'dependencies_changed']);

    expect((await poke(checks)).events).toEqual([]);
  });

  it('reads requirements pins across two commits and times out a hanging check', async () => {
    fs.writeFileSync(path.join(repo, 'requirements.txt'), '# pinned\nnumpy==2.0.0\nscikit_learn==1.5.0 ; python_version >= "3.9"\n');
    git(repo, 'commit', '-qam', 'numpy 2');
    fs.writeFileSync(path.join(repo, 'README.md'), '# app\nmore\n');
    git(repo, 'commit', '-qam', 'docs');
    const outcome = await poke({ checks: [{ name: 'slow', command: 'sleep 30', timeout: '300ms' }] });
    expect(outcome.events.map((e) => e.kind)).toEqual(['commit', 'dependencies_changed', 'check_failed']);
    expect(outcome.events[0]!.details).toMatchObject({ commits: 2, changes: { dependencies: ['requirements.txt'], docs: ['README.md'] } });
    expect(outcome.events[1]!.details.files).toEqual([
      { path: 'requirements.txt', status: 'M', diff: { added: [{ name: 'scikit-learn', version: '1.5.0' }], removed: [{ name: 'pandas', version: '2.2.0' }], changed: [{ name: 'numpy', from: '1.26.4', to: '2.0.0' }] } },
    ]);
    expect(outcome.events[2]!.details).toMatchObject({ name: 'slow', timedOut: true, exitCode: null });
    expect(outcome.events[2]!.details.durationMs as number).toBeLessThan(10_000);
  });

  it('masks the values of secret-named variables in a failing check\'s output before it becomes an event', async () => {
    process.env.THREADLINE_TEST_DEPLOY_TOKEN = 'tok-9f8e7d6c5b4a';
    try {
      fs.writeFileSync(path.join(repo, 'train.py'), 'print("train with secrets around")\n');
      git(repo, 'commit', '-qam', 'secrets around');
      const outcome = await poke({ checks: [{ name: 'leaky', command: 'echo "using $THREADLINE_TEST_DEPLOY_TOKEN to deploy"; exit 1' }] });
      const failed = outcome.events.find((e) => e.kind === 'check_failed')!;
      expect(failed.details.outputTail).toContain('using *** to deploy');
      expect(JSON.stringify(await tl.events.get(failed.id))).not.toContain('tok-9f8e7d6c5b4a');
    } finally {
      delete process.env.THREADLINE_TEST_DEPLOY_TOKEN;
    }
  });

  it('kills a running check when the observer stops, reports nothing, and looks at the commit again on the next poke', async () => {
    fs.writeFileSync(path.join(repo, 'train.py'), 'print("train, then stop")\n');
    git(repo, 'commit', '-qm', 'stop mid-check', '-a');
    const project = readProject({ observe: { code: { checks: [{ name: 'long', command: 'sleep 30' }] } } }, path.join(repo, 'threadline.yaml'));
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const started = Date.now();
    const stopped = await pokeOnce(planObservers(project)[0]!, { tl, config: {} as never, project, log: () => {} }, stop.signal);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stopped).toMatchObject({ ok: false, error: expect.stringMatching(/stopped while the checks/), events: [] });
    const again = await poke({ checks: [{ name: 'quick', command: 'true' }] });
    expect(again.events.map((e) => [e.kind, e.details.message])).toEqual([['commit', 'stop mid-check']]);
  });

  it('fails the poke with a clear message outside a git repository', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-nogit-'));
    const project = readProject({ observe: { code: { repo: empty } } }, path.join(repo, 'threadline.yaml'));
    const [outcome] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/no code version to record \(not-a-repository\)/) });
    expect(() => planObservers(readProject({ observe: { code: { checks: [{ name: 'x' }] } } }, '/tmp/threadline.yaml'))).toThrow(/checks\.0\.command/);
  });
});
