import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectCode, type CaptureCodeOptions } from './git.js';
import { parseByteSize, patchLimitsFrom } from './patch-limits.js';

const tmpDirs: string[] = [];
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function makeRepo(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-scope-')));
  tmpDirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  fs.writeFileSync(path.join(dir, 'train.py'), 'print("hello")\n');
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'a: 1\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'first');
  return dir;
}

async function capture(dir: string, options: Omit<CaptureCodeOptions, 'storePatch'> = {}) {
  const patches: Buffer[] = [];
  const { code } = await inspectCode(dir, {
    ...options,
    storePatch: async (stream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      patches.push(Buffer.concat(chunks));
      return `sha256:${createHash('sha256').update(patches.at(-1)!).digest('hex')}`;
    },
  });
  return { code: code!, patch: patches[0]?.toString('latin1') ?? null };
}

const sha = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('what a dirty patch holds', () => {
  it("leaves Threadline's own files out of status and patch: a run in a fresh repo with its home inside is clean", async () => {
    const dir = makeRepo();
    const home = path.join(dir, '.threadline');
    // Ignored or not, the home is left out (git add refuses pathspecs naming ignored folders).
    fs.writeFileSync(path.join(dir, '.git/info/exclude'), 'tl.db-shm\n');
    fs.mkdirSync(path.join(home, 'artifacts'), { recursive: true });
    fs.writeFileSync(path.join(home, 'threadline.db'), 'SQLite format 3\0');
    fs.writeFileSync(path.join(home, 'threadline.db-wal'), 'wal');
    // A database kept elsewhere in the repository is Threadline's too.
    fs.writeFileSync(path.join(dir, 'tl.db'), 'db');
    fs.writeFileSync(path.join(dir, 'tl.db-shm'), 'shm');
    const own = [home, path.join(dir, 'tl.db'), path.join(dir, 'tl.db-wal'), path.join(dir, 'tl.db-shm')];
    expect((await capture(dir)).code.dirty).toBe(true);
    const { code, patch } = await capture(dir, { own });
    expect(code).toMatchObject({ dirty: false, patchDigest: null });
    expect(code.omitted).toBeUndefined();
    expect(patch).toBeNull();

    fs.appendFileSync(path.join(dir, 'train.py'), 'print("more")\n');
    git(dir, 'rm', '-q', 'config.yaml'); // a staged deletion
    const dirty = await capture(dir, { own });
    expect(dirty.code.dirty).toBe(true);
    expect(dirty.patch).toContain('+print("more")');
    expect(dirty.patch).toContain('deleted file mode 100644');
    expect(dirty.patch).not.toContain('threadline.db');
    expect(dirty.patch).not.toContain('tl.db');
  });

  it('leaves declared --input/--output paths and globs out: they are data', async () => {
    const dir = makeRepo();
    fs.mkdirSync(path.join(dir, 'data/raw'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data/orders.csv'), 'id\n1\n');
    fs.writeFileSync(path.join(dir, 'data/raw/a.parquet'), 'PAR1');
    fs.mkdirSync(path.join(dir, 'model'));
    fs.writeFileSync(path.join(dir, 'model/weights.bin'), 'w');
    fs.writeFileSync(path.join(dir, 'notes.md'), 'part of the code\n');
    const { code, patch } = await capture(path.join(dir, 'data'), { data: ['orders.csv', 'raw/*.parquet', '../model'] });
    expect(code.dirty).toBe(true);
    expect(patch).toContain('notes.md');
    for (const name of ['orders.csv', 'a.parquet', 'weights.bin']) expect(patch).not.toContain(name);
    // Only declared data changed: nothing of the code did.
    fs.rmSync(path.join(dir, 'notes.md'));
    expect((await capture(path.join(dir, 'data'), { data: ['orders.csv', 'raw', '../model/'] })).code).toMatchObject({ dirty: false, patchDigest: null });
  });

  it('lists untracked files over the caps by path, size and sha256, and credential files by path only', async () => {
    const dir = makeRepo();
    const big = Buffer.alloc(1024 * 1024 + 1, 7);
    fs.writeFileSync(path.join(dir, 'big.csv'), big);
    const small = Buffer.alloc(400 * 1024, 1);
    for (const name of ['s1.txt', 's2.txt', 's3.txt']) fs.writeFileSync(path.join(dir, name), small);
    fs.writeFileSync(path.join(dir, '.env'), 'DB_PASS=hunter2\n');
    fs.writeFileSync(path.join(dir, '.env.production'), 'TOKEN=abc\n');
    fs.mkdirSync(path.join(dir, 'keys'));
    fs.writeFileSync(path.join(dir, 'keys/id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    fs.writeFileSync(path.join(dir, 'keys/id_rsa.pub'), 'ssh-rsa AAAA public\n');
    fs.writeFileSync(path.join(dir, 'server.pem'), '-----BEGIN PRIVATE KEY-----\n');
    fs.writeFileSync(path.join(dir, 'credentials.json'), '{"secret": "s"}\n');
    // A tracked credential file that changed stays out too.
    git(dir, 'add', '.env');
    git(dir, 'commit', '-qm', 'oops');
    fs.writeFileSync(path.join(dir, '.env'), 'DB_PASS=changed-secret\n');

    const limits = patchLimitsFrom({ THREADLINE_PATCH_MAX_FILE: '1MiB', THREADLINE_PATCH_MAX_TOTAL: '1MiB' });
    const { code, patch } = await capture(dir, { limits });
    expect(code.dirty).toBe(true);
    expect(code.omitted).toEqual([
      { path: '.env', reason: 'secret' },
      { path: '.env.production', reason: 'secret' },
      { path: 'big.csv', reason: 'too-large', size: big.length, digest: sha(big) },
      { path: 'credentials.json', reason: 'secret' },
      { path: 'keys/id_rsa', reason: 'secret' },
      // s1 and s2 fit in 1 MiB together; s3 would pass the total.
      { path: 's3.txt', reason: 'too-large', size: small.length, digest: sha(small) },
      { path: 'server.pem', reason: 'secret' },
    ]);
    expect(patch).toContain('s1.txt');
    expect(patch).toContain('s2.txt');
    expect(patch).toContain('id_rsa.pub');
    for (const leaked of ['hunter2', 'changed-secret', 'TOKEN=abc', 'PRIVATE KEY', '"secret"', 'big.csv', 's3.txt']) expect(patch).not.toContain(leaked);
    // What was left out is part of the identity: another big file, another code version.
    fs.appendFileSync(path.join(dir, 'big.csv'), 'x');
    expect((await capture(dir, { limits })).code.id).not.toBe(code.id);
  });

  it('reads caps from the environment, flags first', () => {
    expect(patchLimitsFrom({})).toEqual({ maxFileBytes: 1024 * 1024, maxTotalBytes: 10 * 1024 * 1024 });
    expect(patchLimitsFrom({ THREADLINE_PATCH_MAX_FILE: '5MB', THREADLINE_PATCH_MAX_TOTAL: '2GiB' }, { maxFile: '512KiB' })).toEqual({ maxFileBytes: 512 * 1024, maxTotalBytes: 2 * 1024 ** 3 });
    expect(parseByteSize('1048576', 'x')).toBe(1048576);
    expect(() => parseByteSize('lots', 'the cap')).toThrow(/the cap wants a size/);
  });

  it('keeps memory bounded: a 32 MiB untracked file in the patch adds little to peak RSS', () => {
    const measure = (dir: string) => {
      // A separate process, so that peak RSS is this capture's alone.
      const script = `
        const { inspectCode } = await import(${JSON.stringify(pathToFileURL(process.env.CAPTURE_UNDER_TEST ?? path.join(import.meta.dirname, 'git.ts')).href)});
        const { createHash } = await import('node:crypto');
        const { code } = await inspectCode(process.argv[1], { limits: { maxFileBytes: 1e9, maxTotalBytes: 1e9 }, storePatch: async (s) => {
          const h = createHash('sha256'); let n = 0; for await (const c of (Buffer.isBuffer(s) ? [s] : s)) { h.update(c); n += c.length; }
          return 'sha256:' + h.digest('hex') + ':' + n;
        } });
        console.log(JSON.stringify({ patch: code.patchDigest, maxRssKiB: process.resourceUsage().maxRSS }));`;
      const tsx = pathToFileURL(path.resolve(import.meta.dirname, '../../node_modules/tsx/dist/loader.mjs')).href;
      const result = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script, dir], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(result.stderr);
      return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { patch: string | null; maxRssKiB: number };
    };
    const clean = makeRepo();
    fs.writeFileSync(path.join(clean, 'small.txt'), 'small\n');
    const baseline = measure(clean);
    const dir = makeRepo();
    // Random bytes: incompressible, so git's binary patch is about 1.25 × the file (base85).
    const size = 32 * 1024 * 1024;
    const fd = fs.openSync(path.join(dir, 'big.bin'), 'w');
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < size / block.length; i++) fs.writeSync(fd, randomFillSync(block));
    fs.closeSync(fd);
    const big = measure(dir);
    const patchBytes = Number(big.patch!.split(':')[2]);
    console.log(`peak RSS: clean ${(baseline.maxRssKiB / 1024).toFixed(0)} MiB, 32 MiB untracked ${(big.maxRssKiB / 1024).toFixed(0)} MiB, patch ${(patchBytes / 1024 / 1024).toFixed(1)} MiB`);
    expect(patchBytes).toBeGreaterThan(size / 100);
    // Holding the patch whole adds at least its size (41 MiB) to the peak, twice over when joined
    // from chunks (58 MiB more at 24 MiB on main); streamed, what remains is read buffers that
    // await the next GC (seen: 9–26 MiB).
    expect((big.maxRssKiB - baseline.maxRssKiB) / 1024).toBeLessThan((0.75 * patchBytes) / 1024 / 1024);
  }, 240_000);
});
