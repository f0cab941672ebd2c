import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../src/lineage/trace-types.js';
import { git, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

// The model depends on the data and on the code (VERSION), so every run's model digest differs.
const train = (version: number) => `
const fs = require('node:fs');
const rows = fs.readFileSync('data/orders.csv', 'utf8').trim().split('\\n').slice(1);
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ version: ${version}, rows }));
`;

const ids = (trace: TraceResult, type: string) => trace.nodes.filter((n) => n.type === type).map((n) => n.id).sort();

describe.each(dialects)('threadline trace on %s', (dialect) => {
  it('traces a scripted pipeline upstream and downstream, and says when an id is ambiguous or unknown', { timeout: 300_000 }, async () => {
    // Data is not tracked by git, so changing it keeps the checkout clean.
    const repo = makeGitRepo({ 'train.js': train(1), '.gitignore': '.threadline/\nmodel/\ndata/\n' }, 'https://github.com/acme/reco.git');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
    const csv = path.join(repo, 'data/orders.csv');
    const trainRun = async () => {
      const run = await cli('run', '--input', 'data/orders.csv', '--output', 'model', '--', 'node', 'train.js');
      expect(run.code, run.stderr).toBe(0);
      return run.stdout.trim();
    };
    const trace = async (...args: string[]): Promise<TraceResult> => {
      const result = await cli('trace', ...args, '--json');
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };

    // commit 1, snapshot A → run1; commit 2, snapshot A → run2; commit 2, snapshot B → run3.
    fs.mkdirSync(path.dirname(csv));
    fs.writeFileSync(csv, 'user,item\nu1,i1\nu2,i2\n');
    const commit1 = git(repo, 'rev-parse', 'HEAD');
    const run1 = await trainRun();
    fs.writeFileSync(path.join(repo, 'train.js'), train(2));
    git(repo, 'commit', '-qam', 'second');
    const commit2 = git(repo, 'rev-parse', 'HEAD');
    const run2 = await trainRun();
    fs.writeFileSync(csv, 'user,item\nu1,i1\nu2,i2\nu3,i3\n');
    const run3 = await trainRun();

    expect((await cli('models', 'register', 'reco', '--run', run1, '--artifact', 'model')).stdout).toBe('reco/1\n');
    expect((await cli('models', 'register', 'reco', '--run', run3, '--artifact', 'model')).stdout).toBe('reco/2\n');
    expect((await cli('models', 'alias', 'reco', 'champion', '2')).code).toBe(0);

    // model@alias upstream: its run, that run's commit, snapshot and environment, nothing else.
    const champion = await trace('reco@champion');
    expect(champion.start).toEqual({ type: 'model_version', id: 'reco/2' });
    expect(ids(champion, 'run')).toEqual([run3]);
    const code = champion.nodes.filter((n) => n.type === 'code');
    expect(code.map((n) => n.facts.commitSha)).toEqual([commit2]);
    const [snapshotB] = ids(champion, 'data');
    expect(ids(champion, 'environment')).toHaveLength(1);
    expect(champion.nodes.find((n) => n.type === 'run')?.depth).toBe(1);

    const snapshotA = ids(await trace(run1), 'data')[0]!;
    expect(snapshotA).not.toBe(snapshotB);

    // Snapshot A downstream: exactly the runs that read it and the model version from them.
    const fromA = await trace(snapshotA, '--downstream');
    expect(ids(fromA, 'run')).toEqual([run1, run2].sort());
    expect(ids(fromA, 'model_version')).toEqual(['reco/1']);
    expect(fromA.counts).toMatchObject({ run: 2, model_version: 1 });
    const fromB = await trace(snapshotB!.slice(0, 20), '--downstream');
    expect(ids(fromB, 'run')).toEqual([run3]);
    expect(ids(fromB, 'model_version')).toEqual(['reco/2']);

    // A commit (as a short prefix) downstream.
    const fromCommit1 = await trace(commit1.slice(0, 7), '--downstream');
    expect(ids(fromCommit1, 'run')).toEqual([run1]);
    expect(ids(fromCommit1, 'model_version')).toEqual(['reco/1']);
    const fromCommit2 = await trace('commit', commit2, '--downstream');
    expect(ids(fromCommit2, 'run')).toEqual([run2, run3].sort());
    expect(ids(fromCommit2, 'model_version')).toEqual(['reco/2']);

    // Depth 1 from the model stops at its run and its files.
    expect(ids(await trace('reco/2', '--depth', '1'), 'code')).toEqual([]);

    // Text: one line per entity, indented by depth, key facts on each.
    const text = await cli('trace', 'reco@champion');
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^model {6}reco v2 {2}\(alias champion\) {2}artifact sha256:/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}run {8}${run3.slice(-8)} .*finished ok$`)));
    expect(lines).toContainEqual(`    code       github.com/acme/reco @ ${commit2.slice(0, 7)} (clean)  branch main`);
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}data {7}.*data\/orders\.csv {2}sha256:.*\(3 rows, /));
    const impact = (await cli('trace', snapshotA, '--downstream')).stdout;
    expect(impact).toMatch(/^impact {5}1 model version, 2 runs, /m);

    // Graphviz and Mermaid.
    const dot = (await cli('trace', 'reco@champion', '--format', 'dot')).stdout;
    expect(dot).toMatch(/^digraph threadline \{\n/);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    expect(dot.match(/ -> /g)).toHaveLength(champion.edges.length);
    const mermaid = (await cli('trace', 'reco@champion', '--format', 'mermaid')).stdout;
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid).toMatch(/n\d+ -->\|trained_by\| n\d+/);

    // Run ids are time-ordered: two of three runs made seconds apart share 6 leading characters.
    const pair = [[run1, run2], [run2, run3], [run1, run3]].find(([a, b]) => a!.slice(0, 6) === b!.slice(0, 6))!;
    const ambiguous = await cli('trace', pair[0]!.slice(0, 6));
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(ambiguous.stderr).toContain('ambiguous');
    for (const run of pair) expect(ambiguous.stderr).toContain(run);

    const unknown = await cli('trace', 'ffffff0000ffff');
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/Nothing matches 'ffffff0000ffff' \(tried: run id.*git commit.*\(NOT_FOUND\)/);
    expect((await cli('trace', 'reco@champion', '--format', 'svg')).code).toBe(2);
  });
});
