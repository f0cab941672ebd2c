import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { captureCode, inspectCode } from './git.js';

const secretRemote = 'https://user:s3cr3t@example.com/org/repo.git';
const tmpDirs: string[] = [];

function tmp(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-git-test-')));
  tmpDirs.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
}

function write(file: string, content: string | Buffer, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

/** A repo with one commit on `main`: text, binary, executable, a file to delete, an ignore rule. */
function makeRepo(): string {
  const dir = tmp();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(path.join(dir, 'train.py'), 'print("hello")\n');
  write(path.join(dir, 'weights.bin'), Buffer.from([0, 1, 2, 3, 255, 0, 10, 13]));
  write(path.join(dir, 'run.sh'), '#!/bin/sh\necho run\n', 0o755);
  write(path.join(dir, 'old.txt'), 'to be deleted\n');
  write(path.join(dir, 'src/model.py'), 'x = 1\n');
  write(path.join(dir, '.gitignore'), '*.log\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

const stored = new Map<string, Buffer>();
const storePatch = async (patch: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of patch) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  stored.set(digest, bytes);
  return digest;
};

/** Every file below dir except .git and the names given: content digest and executable bit. */
function snapshot(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string, rel: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git' || skip.includes(relPath)) continue;
      const abs = path.join(d, entry.name);
      if (entry.isDirectory()) visit(abs, relPath);
      else {
        const exec = fs.statSync(abs).mode & 0o111 ? 'x' : '-';
        out[relPath] = `${exec} ${createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`;
      }
    }
  };
  visit(dir, '');
  return out;
}

beforeEach(() => stored.clear());
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('captureCode', () => {
  it('returns null outside a git repository, with the reason', async () => {
    const dir = tmp();
    expect(await captureCode(dir, { storePatch })).toBeNull();
    expect(await inspectCode(dir, { storePatch })).toEqual({ code: null, reason: 'not-a-repository' });
  });

  it('returns null for a repository without commits', async () => {
    const dir = tmp();
    git(dir, 'init', '-q');
    expect(await inspectCode(dir, { storePatch })).toEqual({ code: null, reason: 'no-commits' });
  });

  it('throws NOT_FOUND for a directory that does not exist', async () => {
    await expect(captureCode(path.join(tmp(), 'nope'), { storePatch })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('records a clean checkout: commit, branch, root, remote without credentials', async () => {
    const dir = makeRepo();
    git(dir, 'remote', 'add', 'origin', secretRemote);
    const code = await captureCode(path.join(dir, 'src'), { storePatch });
    expect(code).toMatchObject({
      repoRoot: dir,
      commitSha: git(dir, 'rev-parse', 'HEAD'),
      branch: 'main',
      remoteUrl: 'https://example.com/org/repo.git',
      dirty: false,
      patchDigest: null,
    });
    expect(code!.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(code)).not.toContain('s3cr3t');
    expect(JSON.stringify(code)).not.toContain('user:');
    expect(stored.size).toBe(0);
    // Same checkout, same id.
    expect((await captureCode(dir, { storePatch }))!.id).toBe(code!.id);
  });

  it('uses the first remote when there is no origin, null when there is none', async () => {
    const dir = makeRepo();
    expect((await captureCode(dir, { storePatch }))!.remoteUrl).toBeNull();
    git(dir, 'remote', 'add', 'upstream', 'git@github.com:acme/reco.git');
    expect((await captureCode(dir, { storePatch }))!.remoteUrl).toBe('git@github.com:acme/reco.git');
  });

  it('gives a null branch on a detached HEAD', async () => {
    const dir = makeRepo();
    git(dir, 'checkout', '-q', '--detach', 'HEAD');
    const code = await captureCode(dir, { storePatch });
    expect(code!.branch).toBeNull();
    expect(code!.commitSha).toBe(git(dir, 'rev-parse', 'HEAD'));
  });

  it('a dirty tree yields a patch that recreates it exactly, and leaves the index alone', async () => {
    const dir = makeRepo();
    git(dir, 'remote', 'add', 'origin', secretRemote);
    const clean = await captureCode(dir, { storePatch });
    write(path.join(dir, 'train.py'), 'print("hello, changed")\n'); // modified, unstaged
    write(path.join(dir, 'weights.bin'), Buffer.from([9, 8, 7, 0, 0, 255])); // binary change
    fs.rmSync(path.join(dir, 'old.txt')); // deleted
    write(path.join(dir, 'notes/new.md'), 'untracked\n'); // untracked, in a new folder
    write(path.join(dir, 'tool.sh'), '#!/bin/sh\necho new\n', 0o755); // untracked executable
    write(path.join(dir, 'data dir/naïve "file".txt'), 'odd name\n'); // quoting in the patch
    write(path.join(dir, 'staged.txt'), 'staged\n');
    git(dir, 'add', 'staged.txt'); // staged
    fs.chmodSync(path.join(dir, 'src/model.py'), 0o755); // mode change only
    write(path.join(dir, 'debug.log'), 'ignored\n'); // ignored: not part of the code

    const statusBefore = git(dir, 'status', '--porcelain');
    const indexBefore = fs.readFileSync(path.join(dir, '.git/index'));
    const code = await captureCode(dir, { storePatch });
    expect(fs.readFileSync(path.join(dir, '.git/index')).equals(indexBefore)).toBe(true);
    expect(git(dir, 'status', '--porcelain')).toBe(statusBefore);

    expect(code!.dirty).toBe(true);
    expect(code!.patchDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(code!.id).not.toBe(clean!.id);
    const patch = stored.get(code!.patchDigest!)!;
    expect(patch.toString('utf8')).not.toContain('ignored');

    const copy = path.join(tmp(), 'copy');
    git(path.dirname(copy), 'clone', '-q', '--no-checkout', dir, copy);
    git(copy, 'checkout', '-q', '--detach', code!.commitSha);
    const patchFile = path.join(tmp(), 'dirty.patch');
    fs.writeFileSync(patchFile, patch);
    git(copy, 'apply', '--binary', patchFile);
    const expected = snapshot(dir, ['debug.log']);
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['notes/new.md', 'tool.sh', 'staged.txt', 'data dir/naïve "file".txt']));
    expect(expected['src/model.py']).toMatch(/^x /);
    expect(snapshot(copy)).toEqual(expected);
  });

  it('counts untracked-only changes as dirty', async () => {
    const dir = makeRepo();
    write(path.join(dir, 'extra.py'), 'y = 2\n');
    const code = await captureCode(dir, { storePatch });
    expect(code!.dirty).toBe(true);
    expect(stored.get(code!.patchDigest!)!.toString('utf8')).toContain('+y = 2');
  });

  it("ignores the user's diff and status configuration", async () => {
    const dir = makeRepo();
    for (const [key, value] of [
      ['diff.noprefix', 'true'],
      ['color.ui', 'always'],
      ['diff.external', '/bin/false'],
      ['status.showUntrackedFiles', 'no'],
    ]) {
      git(dir, 'config', key!, value!);
    }
    write(path.join(dir, 'extra.py'), 'z = 3\n');
    write(path.join(dir, 'train.py'), 'print("configured")\n');
    const code = await captureCode(dir, { storePatch });
    expect(code!.dirty).toBe(true);
    const copy = path.join(tmp(), 'copy');
    git(path.dirname(copy), 'clone', '-q', dir, copy);
    const patchFile = path.join(tmp(), 'dirty.patch');
    fs.writeFileSync(patchFile, stored.get(code!.patchDigest!)!);
    git(copy, 'apply', patchFile);
    expect(snapshot(copy)).toEqual(snapshot(dir));
  });
});
