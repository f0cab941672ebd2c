import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/release/deploy/local-process.js';
import { makeGitRepo, repoRoot, runCli } from './cli.js';
import { runInChroot, startInChroot, unpackImage, type ImageRuntime } from './services/chroot-image.js';
import { startRegistry, type RegistryServer } from './services/registry.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
function skopeo(...args: string[]): any {
  return JSON.parse(execFileSync('skopeo', args, { encoding: 'utf8' }));
}

const hasTool = (name: string) => ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((dir) => fs.existsSync(path.join(dir, name)));
const cannotRun = process.getuid?.() !== 0 ? 'not root (debootstrap and chroot need root)' : !hasTool('debootstrap') ? 'debootstrap is not installed' : undefined;
if (cannotRun) console.warn(`image-self tests skipped: ${cannotRun}`);

/** The image holds dist/: built again when a source file is newer than it. */
function buildIfStale(): void {
  const built = fs.statSync(path.join(repoRoot, 'dist/cli/main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = Math.max(...fs.readdirSync(path.join(repoRoot, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'testing.ts')
    .map((e) => fs.statSync(path.join(e.parentPath, e.name)).mtimeMs));
  if (built < newest) execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
}

async function waitForHealth(url: string, child: { exitCode: number | null }): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await request(url);
      if (res.statusCode === 200) return (await res.body.json()) as Record<string, unknown>;
      await res.body.dump();
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${url} did not answer (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let registry: RegistryServer;
let skipReason: string | undefined = cannotRun;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-self-'));
const env = { THREADLINE_HOME: home, THREADLINE_URL: '', THREADLINE_DB_URL: '', DOCKER_CONFIG: path.join(home, 'no-docker-config') };

beforeAll(async () => {
  if (skipReason) return;
  registry = await startRegistry();
  buildIfStale();
}, 300_000);
const unpacked: ImageRuntime[] = [];
afterAll(async () => {
  await registry?.stop();
  for (const image of [...unpacked, { rootfs: home }]) fs.rmSync(image.rootfs, { recursive: true, force: true });
}, 300_000);

describe.skipIf(cannotRun)('threadline image self', () => {
  let base: ImageRuntime;
  let reference: string;

  it('builds Threadline on a debootstrapped Debian, pushes it, and the unpacked image runs `threadline` as its non-root user', { timeout: 300_000 }, async (ctx) => {
    const built = await runCli(['image', 'self', '--repository', `${registry.host}/threadline`, '--tag', 'test', '--push', '--insecure-registry', '--json'], { cwd: home, env });
    if (built.code !== 0 && /debootstrap .* failed/.test(built.stderr)) {
      skipReason = `the Debian mirror could not be reached: ${built.stderr.trim()}`;
      console.warn(`image-self tests skipped: ${skipReason}`);
      return ctx.skip();
    }
    expect(built.stderr).not.toContain('error');
    expect(built.code).toBe(0);
    const image = JSON.parse(built.stdout);
    reference = image.reference;
    expect(image).toMatchObject({ tag: 'test', pushed: true, base: { suite: 'trixie', packages: ['nodejs', 'ca-certificates'] } });

    const inspected = skopeo('inspect', '--config', '--tls-verify=false', `docker://${registry.host}/threadline:test`);
    expect(skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/threadline:test`).Digest).toBe(image.digest);
    expect(inspected.config).toMatchObject({ Entrypoint: ['/usr/local/bin/threadline'], User: '10001:10001', WorkingDir: '/home/threadline' });
    expect(inspected.config.Env).toEqual(expect.arrayContaining(['THREADLINE_HOME=/home/threadline/.threadline', 'NODE_ENV=production']));
    expect(Object.keys(inspected.config.ExposedPorts).sort()).toEqual(['5000/tcp', '8080/tcp']);
    expect(inspected.config.Labels['org.opencontainers.image.version']).toBe('0.1.0');

    base = unpackImage(`${registry.host}/threadline:test`);
    unpacked.push(base);
    // Debian's node, Threadline's packages for production only (no test runner), and our user.
    expect(fs.existsSync(path.join(base.rootfs, 'usr/bin/node'))).toBe(true);
    expect(fs.existsSync(path.join(base.rootfs, 'opt/threadline/node_modules/better-sqlite3'))).toBe(true);
    expect(fs.existsSync(path.join(base.rootfs, 'opt/threadline/node_modules/vitest'))).toBe(false);
    expect(fs.existsSync(path.join(base.rootfs, 'opt/threadline/node_modules/onnxruntime-node/bin/napi-v6/win32'))).toBe(false);
    expect(fs.statSync(path.join(base.rootfs, 'home/threadline')).uid).toBe(10001);

    const version = await runInChroot(base, ['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const node = await runInChroot(base, ['-e', 'console.log(process.version, process.getuid())'], { command: ['node'] });
    expect(node.stdout).toMatch(/^v20\.(19|[2-9]\d)\.\d+ 10001\n$/);

    // The server, on loopback inside the chroot (the host's network): ready on its embedded store.
    const port = await freePort();
    const server = startInChroot(base, ['server', '--port', String(port)]);
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/api/health/ready`, server);
      expect(health).toMatchObject({ status: 'ok', checks: { store: 'ok', artifacts: 'ok' } });
      expect((await (await request(`http://127.0.0.1:${port}/api/health/live`)).body.json())).toEqual({ status: 'ok' });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    expect(server.exitCode).toBe(0);
    expect(fs.existsSync(path.join(base.rootfs, 'home/threadline/.threadline/threadline.db'))).toBe(true);
  });

  it('is the base of a model image whose serve.sh finds `threadline`, serves, and logs the prediction', { timeout: 240_000 }, async (ctx) => {
    if (skipReason || !reference || !base) return ctx.skip();
    const repo = makeGitRepo({
      'train.js': `const fs = require('node:fs'); fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ also: { rope: ['bowl'] } }));
fs.writeFileSync('model/predict.mjs', "import fs from 'node:fs'; export const load = (dir) => JSON.parse(fs.readFileSync(dir + '/model.json', 'utf8')); export async function predict(input, context) { return { recommended: input.basket.flatMap((i) => context.state.also[i] ?? []) }; }");`,
      '.gitignore': '.threadline/\nmodel/\n',
    });
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env: { ...env, THREADLINE_HOME: path.join(repo, '.threadline') } });
    const runId = (await cli('run', '--output', 'model', '--', 'node', 'train.js')).stdout.trim();
    expect((await cli('models', 'register', 'reco', '--run', runId, '--artifact', 'model')).code).toBe(0);
    const built = await cli('image', 'build', 'reco/1', '--repository', `${registry.host}/reco`, '--base', `${registry.host}/threadline:test`, '--tag', 'on-threadline', '--push', '--insecure-registry', '--json');
    expect(built.code).toBe(0);

    // Its first layers are the base's, byte for byte: only the model's own are unpacked on top
    // (of a clean base: the server's store from the test before goes).
    fs.rmSync(path.join(base.rootfs, 'home/threadline/.threadline'), { recursive: true, force: true });
    const model = unpackImage(`${registry.host}/reco:on-threadline`, base);
    expect(model.layers.slice(0, base.layers.length)).toEqual(base.layers);
    expect(model.layers).toHaveLength(base.layers.length + 2);
    expect(model).toMatchObject({ entrypoint: ['/threadline/serve.sh'], user: '10001:10001', workingDir: '/model' });
    expect(model.env).toEqual(expect.arrayContaining([`THREADLINE_RUN_ID=${runId}`, 'THREADLINE_HOME=/home/threadline/.threadline']));
    const port = await freePort();
    const serving = startInChroot(model, [], { env: { PORT: String(port) } });
    let stderr = '';
    serving.stderr!.on('data', (d: Buffer) => (stderr += d));
    let predictionId = '';
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/health`, serving).catch((error: Error) => {
        throw new Error(`${error.message}: ${stderr}`);
      });
      expect(health).toMatchObject({ status: 'ok', run_id: runId });
      const res = await request(`http://127.0.0.1:${port}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ basket: ['rope'] }) });
      const body = (await res.body.json()) as { predictions: unknown; prediction_id: string; run_id: string };
      expect(res.statusCode).toBe(200);
      expect(body).toMatchObject({ predictions: { recommended: ['bowl'] }, run_id: runId });
      predictionId = body.prediction_id;
    } finally {
      serving.kill('SIGTERM');
      await new Promise((r) => serving.once('exit', r));
    }
    expect(serving.exitCode).toBe(0);
    // The prediction log, read inside the image with its own CLI.
    const listed = await runInChroot(model, ['predictions', 'list', '--json'], { command: ['threadline'] });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((p) => p.id)).toEqual([predictionId]);
  });
});
