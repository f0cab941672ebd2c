import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeGitRepo, runCli, sha256sum } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ weights: [1, 2, 3] }));
`;

describe.each(dialects)('threadline models on %s', (dialect) => {
  it('registers a run output, aliases it champion, shows it by alias and lists the history', { timeout: 180_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

    const run = await cli('run', '--output', 'model', '--', 'node', 'train.js');
    expect(run.code).toBe(0);
    const runId = run.stdout.trim();

    const registered = await cli('models', 'register', 'reco', '--run', runId.slice(0, 10), '--artifact', 'model', '--tag', 'DBR_RUN_ID=777');
    expect(registered.stderr).toBe('');
    expect(registered.stdout).toBe('reco/1\n');
    expect((await cli('models', 'register', 'reco', '--run', runId, '--artifact', 'model/model.json')).stdout).toBe('reco/2\n');

    expect((await cli('models', 'alias', 'reco', 'champion', '1')).code).toBe(0);
    expect((await cli('models', 'alias', 'reco', 'champion', '2')).code).toBe(0);
    const shown = JSON.parse((await cli('models', 'show', 'reco@champion', '--json')).stdout);
    expect(shown).toMatchObject({ name: 'reco', version: 2, runId, aliases: ['champion'], artifactDigest: sha256sum(path.join(repo, 'model/model.json')) });
    expect((await cli('models', 'show', 'reco@champion')).stdout).toContain('model      reco v2  (alias champion)');

    const found = JSON.parse((await cli('models', 'search', "name='reco' and tag.DBR_RUN_ID = '777'", '--json')).stdout);
    expect(found.map((v: { version: number }) => v.version)).toEqual([1]);

    const history = JSON.parse((await cli('models', 'history', 'reco', '--json')).stdout);
    expect(history.map((h: { fromVersion: number | null; toVersion: number }) => [h.fromVersion, h.toVersion])).toEqual([
      [null, 1],
      [1, 2],
    ]);
    expect(history[0].actor).not.toBe('');
    const table = (await cli('models', 'history', 'reco')).stdout;
    expect(table.split('\n')[0]).toMatch(/^TIME\s+ALIAS\s+FROM\s+TO\s+BY$/);

    const missing = await cli('models', 'show', 'ghost@champion');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('(NOT_FOUND)');
    const bad = await cli('models', 'search', "name = 'x' or name = 'y'");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('OR is not supported');
  });
});
