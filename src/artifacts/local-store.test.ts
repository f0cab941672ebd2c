import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LocalArtifactStore } from './local-store.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-local-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Every file under <root>/sha256, checked to sit at the path its own content hashes to. */
function verifiedBlobs(): string[] {
  const dir = path.join(root, 'sha256');
  if (!fs.existsSync(dir)) return [];
  const digests: string[] = [];
  for (const fan of fs.readdirSync(dir)) {
    for (const name of fs.readdirSync(path.join(dir, fan))) {
      const hex = createHash('sha256').update(fs.readFileSync(path.join(dir, fan, name))).digest('hex');
      expect(`${fan}/${name}`).toBe(`${hex.slice(0, 2)}/${hex}`);
      digests.push(`sha256:${hex}`);
    }
  }
  return digests.sort();
}

test('blobs live at <root>/sha256/<aa>/<hex>, read-only, with no temp files left behind', async () => {
  const store = new LocalArtifactStore(root);
  const info = await store.putBytes('hello');
  const hex = info.digest.slice('sha256:'.length);
  const file = path.join(root, 'sha256', hex.slice(0, 2), hex);
  expect(store.blobPath(info.digest)).toBe(file);
  expect(fs.readFileSync(file, 'utf8')).toBe('hello');
  expect(fs.statSync(file).mode & 0o777).toBe(0o444);
  expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  expect(verifiedBlobs()).toEqual([info.digest]);
});

test('temp files of long-dead writers are swept, recent ones are left alone', async () => {
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'old.part'), 'partial');
  fs.writeFileSync(path.join(tmp, 'recent.part'), 'partial');
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  fs.utimesSync(path.join(tmp, 'old.part'), twoDaysAgo, twoDaysAgo);
  await new LocalArtifactStore(root).putBytes('x');
  expect(fs.readdirSync(tmp)).toEqual(['recent.part']);
});

test('kill -9 in the middle of a large put leaves no partial blob, and the store still works', async () => {
  const chunkMiB = 1;
  const chunks = 64;
  // The writer stores one small blob, then streams 64 MiB slowly and says when 8 MiB are down.
  const script = path.join(root, '..', `${path.basename(root)}-writer.mjs`);
  fs.writeFileSync(
    script,
    `import { LocalArtifactStore } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'src/artifacts/local-store.ts')).href)};
const store = new LocalArtifactStore(process.argv[2]);
const small = await store.putBytes('complete before the crash');
process.stdout.write('complete ' + small.digest + '\\n');
async function* slow() {
  const chunk = Buffer.alloc(${chunkMiB} * 1024 * 1024, 7);
  for (let i = 0; i < ${chunks}; i++) {
    if (i === 8) process.stdout.write('midway\\n'); // runs once chunks 0..7 are written
    yield chunk;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
await store.put(slow());
process.stdout.write('finished\\n');
`,
  );
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', script, root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (data) => (stderr += data));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data) => {
        stdout += data;
        if (stdout.includes('midway\n')) resolve();
      });
      child.once('exit', () => reject(new Error(`writer exited before midway: ${stdout}${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(stdout).not.toContain('finished');

    // The crash really happened mid-write: a partial temp file of at least 8 MiB exists...
    const temps = fs.readdirSync(path.join(root, 'tmp'));
    expect(temps).toHaveLength(1);
    const partialSize = fs.statSync(path.join(root, 'tmp', temps[0]!)).size;
    expect(partialSize).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(partialSize).toBeLessThan(chunks * chunkMiB * 1024 * 1024);
    // ...and under sha256/ there is only the complete blob, whose content hashes to its name.
    const smallDigest = /complete (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
    expect(verifiedBlobs()).toEqual([smallDigest]);

    const full = createHash('sha256');
    for (let i = 0; i < chunks; i++) full.update(Buffer.alloc(chunkMiB * 1024 * 1024, 7));
    const fullDigest = `sha256:${full.digest('hex')}`;
    const store = new LocalArtifactStore(root);
    expect(await store.has(fullDigest)).toBe(false);

    // The store still works: the interrupted content can be stored whole, the old blob is intact.
    async function* again() {
      for (let i = 0; i < chunks; i++) yield Buffer.alloc(chunkMiB * 1024 * 1024, 7);
    }
    expect(await store.put(again())).toEqual({ digest: fullDigest, size: chunks * chunkMiB * 1024 * 1024 });
    expect((await store.readBytes(smallDigest!)).toString()).toBe('complete before the crash');
    expect(verifiedBlobs()).toEqual([smallDigest, fullDigest].sort());
    // The dead writer's partial file went with the new store's first put, not a day later.
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  } finally {
    fs.rmSync(script, { force: true });
  }
});
