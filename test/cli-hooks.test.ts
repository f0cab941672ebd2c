import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, runCli } from './cli.js';
import { freshDatabaseUrl } from './dialects.js';

// The CLI and the hook end to end on SQLite only: the store part is covered per dialect in src/observe/agents/code.test.ts.
// Each hook starts the CLI from source through tsx: seconds per commit on a busy machine.
describe('threadline hooks', { timeout: 300_000 }, () => {
  async function setup(files: Record<string, string> = {}) {
    const repo = makeGitRepo({
      'train.py': 'print(1)\n',
      'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/express': { version: '4.18.2' } } }),
      'threadline.yaml': 'observe:\n  code: {}\n',
      '.gitignore': 'user-hook.log\n',
      ...files,
    });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-hooks-'));
    const env = { THREADLINE_HOME: home, THREADLINE_DB_URL: await freshDatabaseUrl('sqlite'), THREADLINE_URL: '', THREADLINE_CONFIG: '' };
    return { repo, env };
  }

  /** A real `git commit`, as a user runs it, with the hook's environment. */
  function commit(repo: string, env: Record<string, string>, message: string) {
    return spawnSync('git', ['commit', '-qam', message], { cwd: repo, env: { ...process.env, ...env }, encoding: 'utf8' });
  }

  it('records a commit through the installed post-commit hook, keeps the user\'s hook, and uninstalls cleanly', async () => {
    const { repo, env } = await setup();
    const userHook = path.join(repo, '.git/hooks/post-commit');
    fs.writeFileSync(userHook, '#!/bin/sh\necho "user hook ran" >> user-hook.log\n', { mode: 0o755 });

    const installed = await runCli(['hooks', 'install', '--repo', repo, '--json'], { cwd: os.tmpdir(), env });
    expect(installed.code).toBe(0);
    expect(JSON.parse(installed.stdout)).toEqual([
      { hook: 'post-commit', path: userHook, action: 'installed', chained: `${userHook}.pre-threadline` },
      { hook: 'pre-push', path: path.join(repo, '.git/hooks/pre-push'), action: 'installed', chained: null },
    ]);
    expect(fs.statSync(userHook).mode & 0o111).not.toBe(0);

    fs.writeFileSync(path.join(repo, 'train.py'), 'print(2)\n');
    fs.writeFileSync(path.join(repo, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/express': { version: '4.19.2' } } }));
    const done = commit(repo, env, 'bump express');
    expect(done.status).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'user-hook.log'), 'utf8')).toBe('user hook ran\n');

    const listed = await runCli(['events', 'list', '--stage', 'code', '--json'], { cwd: repo, env });
    const events = JSON.parse(listed.stdout) as { kind: string; details: Record<string, unknown>; source: string }[];
    expect(events.map((e) => e.kind).sort()).toEqual(['commit', 'dependencies_changed']);
    const commitEvent = events.find((e) => e.kind === 'commit')!;
    expect(commitEvent).toMatchObject({ source: 'code', details: { commit: git(repo, 'rev-parse', 'HEAD'), changes: { code: ['train.py'], dependencies: ['package-lock.json'] } } });
    expect(events.find((e) => e.kind === 'dependencies_changed')!.details).toMatchObject({ files: [{ diff: { changed: [{ name: 'express', from: '4.18.2', to: '4.19.2' }] } }] });

    // A second run of the hook on the same commit adds nothing.
    const again = spawnSync(path.join(repo, '.git/hooks/post-commit'), [], { cwd: repo, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(JSON.parse((await runCli(['events', 'list', '--stage', 'code', '--json'], { cwd: repo, env })).stdout)).toHaveLength(2);

    const removed = await runCli(['hooks', 'uninstall', '--repo', repo, '--json'], { cwd: repo, env });
    expect(JSON.parse(removed.stdout).map((c: { action: string }) => c.action)).toEqual(['restored', 'removed']);
    expect(fs.readFileSync(userHook, 'utf8')).toContain('user hook ran');
    expect(fs.existsSync(`${userHook}.pre-threadline`)).toBe(false);
    expect(fs.existsSync(path.join(repo, '.git/hooks/pre-push'))).toBe(false);
  });

  it('never blocks a commit when Threadline fails, and respects core.hooksPath', async () => {
    const { repo, env } = await setup();
    git(repo, 'config', 'core.hooksPath', '.githooks');
    const installed = await runCli(['hooks', 'install', '--repo', repo], { cwd: repo, env });
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(path.join(repo, '.githooks/post-commit'));
    expect(fs.existsSync(path.join(repo, '.git/hooks/post-commit'))).toBe(false);

    // A store that cannot be opened (not a database): the hook warns, the commit stands.
    const garbage = path.join(env.THREADLINE_HOME, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a SQLite database, not even close'.repeat(100));
    const broken = { ...env, THREADLINE_DB_URL: garbage };
    fs.writeFileSync(path.join(repo, 'train.py'), 'print(3)\n');
    const before = git(repo, 'rev-parse', 'HEAD');
    const done = commit(repo, broken, 'still commits');
    expect(done.status).toBe(0);
    expect(done.stderr).toMatch(/threadline: warning: could not record this commit/);
    expect(git(repo, 'rev-parse', 'HEAD')).not.toBe(before);
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('still commits');
  });

  it('runs in pre-push after the user\'s own pre-push hook, whose refusal still stops the push', async () => {
    const { repo, env } = await setup({ '.gitignore': 'user-hook.log\npushed-ref.log\n' });
    const remote = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-remote-'));
    git(remote, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', remote);
    // The user's hook reads the refs git sends on stdin, and refuses when BLOCK=1.
    fs.writeFileSync(path.join(repo, '.git/hooks/pre-push'), '#!/bin/sh\nread local_ref rest\necho "$local_ref" > pushed-ref.log\nexit ${BLOCK:-0}\n', { mode: 0o755 });
    expect((await runCli(['hooks', 'install', '--repo', repo], { cwd: repo, env })).code).toBe(0);

    fs.writeFileSync(path.join(repo, 'train.py'), 'print(4)\n');
    expect(commit(repo, env, 'to push').status).toBe(0);
    const push = (block: string) => spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: repo, env: { ...process.env, ...env, BLOCK: block }, encoding: 'utf8' });
    expect(push('1').status).not.toBe(0);
    expect(fs.readFileSync(path.join(repo, 'pushed-ref.log'), 'utf8').trim()).toBe('refs/heads/main');
    expect(spawnSync('git', ['rev-parse', '--verify', '-q', 'main'], { cwd: remote }).status).not.toBe(0);
    expect(push('0').status).toBe(0);
    expect(git(remote, 'rev-parse', 'main')).toBe(git(repo, 'rev-parse', 'HEAD'));
    // The pushes saw the commit the post-commit hook already recorded: no second event.
    const events = JSON.parse((await runCli(['events', 'list', '--stage', 'code', '--kind', 'commit', '--json'], { cwd: repo, env })).stdout);
    expect(events).toHaveLength(1);
  });

  it('refuses to install over a hook it cannot chain, and fails outside a repository', async () => {
    const { repo, env } = await setup();
    const hooks = path.join(repo, '.git/hooks');
    fs.writeFileSync(path.join(hooks, 'pre-push'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(hooks, 'pre-push.pre-threadline'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const refused = await runCli(['hooks', 'install', '--repo', repo], { cwd: repo, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/pre-push exists and so does .*pre-push\.pre-threadline/);
    const outside = await runCli(['hooks', 'install', '--repo', os.tmpdir()], { cwd: repo, env });
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/not inside a git work tree/);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).toBe('');
  });
});
