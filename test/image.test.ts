import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBytesUnder, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startRegistry, type RegistryServer } from './services/registry.js';
import { startTokenProxy } from './services/token-proxy.js';

const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model/weights', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ kind: 'reco', k: 5 }));
fs.writeFileSync('model/weights/w.bin', Buffer.from([1, 2, 3, 4, 5, 250]));
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
function skopeo(...args: string[]): any {
  return JSON.parse(execFileSync('skopeo', args, { encoding: 'utf8' }));
}

/** path → sha256 of every file in a gzip tar layer. */
async function filesOfLayer(file: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const extract = tar.extract();
  Readable.from(fs.readFileSync(file)).pipe(createGunzip()).pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const hash = createHash('sha256');
    for await (const chunk of entry) hash.update(chunk as Buffer);
    if (entry.header.type === 'file') out[entry.header.name] = `sha256:${hash.digest('hex')}`;
  }
  return out;
}

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

describe.each(dialects)('threadline image on %s', (dialect) => {
  it('builds an OCI image of reco@champion, pushes it, and skopeo sees the recorded digest, labels, env and model files', { timeout: 240_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' }, 'https://deploy:s3cr3t-token@github.com/acme/reco.git');
    const home = path.join(repo, '.threadline');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: home, THREADLINE_URL: '', DOCKER_CONFIG: path.join(repo, 'no-docker-config') };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

    const run = await cli('run', '--output', 'model', '--', 'node', 'train.js');
    expect(run.code).toBe(0);
    const runId = run.stdout.trim();
    expect((await cli('models', 'register', 'reco', '--run', runId, '--artifact', 'model')).stdout).toBe('reco/1\n');
    expect((await cli('models', 'alias', 'reco', 'champion', '1')).code).toBe(0);
    const gitSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();

    const built = await cli('image', 'build', 'reco@champion', '--repository', `${registry.host}/reco`, '--push', '--insecure-registry', '--json');
    expect(built.stderr).not.toContain('error');
    expect(built.code).toBe(0);
    const image = JSON.parse(built.stdout);
    const tag = `run-${runId}`;
    expect(image).toMatchObject({ repository: `${registry.host}/reco`, tag, modelName: 'reco', modelVersion: 1, runId, gitSha, pushed: true });
    expect(image.reference).toBe(`${registry.host}/reco@${image.digest}`);
    expect(image.labels).toMatchObject({
      'org.opencontainers.image.revision': gitSha,
      'org.opencontainers.image.source': 'https://github.com/acme/reco.git',
      'ai.threadline.run-id': runId,
      'ai.threadline.model': 'reco/1',
    });

    // What the registry has, seen by skopeo.
    const inspected = skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/reco:${tag}`);
    expect(inspected.Digest).toBe(image.digest);
    expect(inspected.Labels).toEqual(image.labels);
    expect(inspected.Env).toEqual(expect.arrayContaining([`THREADLINE_RUN_ID=${runId}`, `GIT_SHA=${gitSha}`, 'THREADLINE_MODEL=reco/1', `run_id=${runId}`, `git_sha=${gitSha}`]));
    const config = skopeo('inspect', '--config', '--tls-verify=false', `docker://${registry.host}/reco:${tag}`);
    expect(config.config.Entrypoint).toEqual(['/threadline/serve.sh']);
    expect(Object.keys(config.config.ExposedPorts)).toEqual(['8080/tcp']);
    expect(config.rootfs.diff_ids).toHaveLength(2);
    expect(skopeo('inspect', `oci:${image.layoutPath}`).Digest).toBe(image.digest);
    for (const f of ['oci-layout', 'index.json']) expect(fs.existsSync(path.join(image.layoutPath, f))).toBe(true);

    // Pulled back: the model layer's files are the registered artifacts, byte for byte.
    const pulled = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pulled-'));
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${registry.host}/reco:${tag}`, `dir:${pulled}`]);
    const manifest = JSON.parse(fs.readFileSync(path.join(pulled, 'manifest.json'), 'utf8'));
    const modelLayer = await filesOfLayer(path.join(pulled, manifest.layers[0].digest.slice(7)));
    const artifacts = JSON.parse((await cli('runs', 'show', runId, '--json')).stdout).artifacts as { path: string; digest: string }[];
    expect(modelLayer).toEqual(Object.fromEntries(artifacts.filter((a) => a.path.startsWith('model/')).map((a) => [a.path, a.digest])));
    expect(Object.keys(await filesOfLayer(path.join(pulled, manifest.layers[1].digest.slice(7))))).toEqual(['threadline/serve.sh']);

    // Reproducible: a second build (and push) gives the same digest, and one row.
    const again = await cli('image', 'build', 'reco/1', '--repository', `${registry.host}/reco`, '--push', '--insecure-registry');
    expect(again.stdout).toBe(`${image.reference}\n`);
    const other = await cli('image', 'build', 'reco/1', '--repository', `${registry.host}/reco`, '--layout', path.join(repo, 'elsewhere'), '--tag', 'copy');
    expect(other.stdout).toBe(`${image.reference}\n`);
    const listed = JSON.parse((await cli('image', 'list', '--model', 'reco', '--json')).stdout);
    expect(listed.map((i: { reference: string }) => i.reference)).toEqual([image.reference]);
    expect(listed[0].pushed).toBe(true);
    expect((await cli('image', 'list')).stdout).toContain(image.reference);

    // trace reads the image by reference or by tag, and walks to the model, run and commit.
    const traced = await cli('trace', image.reference);
    expect(traced.stdout.split('\n')[0]).toBe(`image      ${image.reference}  (tag ${tag})`);
    expect(traced.stdout).toContain('model      reco v1  (alias champion)');
    expect(traced.stdout).toContain(gitSha.slice(0, 7));
    expect((await cli('trace', `${registry.host}/reco:${tag}`)).stdout).toBe(traced.stdout);
    expect((await cli('trace', 'reco@champion', '--downstream')).stdout).toContain(`image      ${image.reference}`);

    // On top of a base image pulled from the registry (here: the image just pushed).
    const layered = JSON.parse((await cli('image', 'build', 'reco/1', '--repository', `${registry.host}/reco`, '--base', `${registry.host}/reco:${tag}`, '--tag', 'layered', '--push', '--insecure-registry', '--json')).stdout);
    const layeredInspect = skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/reco:layered`);
    expect(layeredInspect.Digest).toBe(layered.digest);
    expect(layeredInspect.Layers).toHaveLength(4);
    expect(layeredInspect.Layers.slice(0, 2)).toEqual(inspected.Layers);

    // Nothing of the remote URL's credentials anywhere Threadline writes.
    expect(allBytesUnder(home).includes('s3cr3t-token')).toBe(false);
    expect(built.stdout + built.stderr).not.toContain('s3cr3t-token');
  });

  it('records images built elsewhere, writes a Dockerfile with its context, and refuses bad input', { timeout: 180_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
    const runId = (await cli('run', '--output', 'model', '--', 'node', 'train.js')).stdout.trim();
    await cli('models', 'register', 'reco', '--run', runId, '--artifact', 'model');

    const digest = `sha256:${'ab'.repeat(32)}`;
    const recorded = await cli('image', 'record', `acr.example.io/team/reco:run-777@${digest}`, '--model', 'reco/1', '--json');
    expect(recorded.code).toBe(0);
    expect(JSON.parse(recorded.stdout)).toMatchObject({ reference: `acr.example.io/team/reco@${digest}`, repository: 'acr.example.io/team/reco', tag: 'run-777', modelName: 'reco', modelVersion: 1, runId, pushed: true });
    const bad = await cli('image', 'record', 'acr.example.io/team/reco@sha256:xyz', '--model', 'reco/1');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('INVALID_ARGUMENT');
    expect((await cli('image', 'record', `acr.example.io/team/reco@${digest}`, '--model', 'reco/9')).code).toBe(3);
    const unknown = await cli('image', 'build', 'ghost@champion', '--repository', '127.0.0.1:1/ghost');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);

    const ctx = path.join(repo, 'ctx');
    const written = await cli('image', 'dockerfile', 'reco/1', '--context', ctx, '-o', path.join(ctx, 'Dockerfile'));
    expect(written.code).toBe(0);
    const dockerfile = fs.readFileSync(path.join(ctx, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM node:20-slim');
    expect(dockerfile).toContain('COPY model/ /model/');
    expect(dockerfile).toContain(`ENV THREADLINE_RUN_ID="${runId}"`);
    expect(dockerfile).toContain('LABEL "ai.threadline.model"="reco/1"');
    expect(dockerfile).toContain('threadline image record');
    expect(fs.readFileSync(path.join(ctx, 'model/model.json'), 'utf8')).toBe(fs.readFileSync(path.join(repo, 'model/model.json'), 'utf8'));
    expect(fs.statSync(path.join(ctx, 'serve.sh')).mode & 0o111).not.toBe(0);
  });
});

describe('threadline image push with the Bearer token flow', () => {
  it('gets a token with Basic credentials from DOCKER_CONFIG and never writes them down', { timeout: 180_000 }, async () => {
    const proxy = await startTokenProxy(registry.host, 'robot', 'pa55-w0rd');
    try {
      const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
      const dockerConfig = path.join(os.tmpdir(), `threadline-docker-${process.pid}`);
      fs.mkdirSync(dockerConfig, { recursive: true });
      fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('robot:pa55-w0rd').toString('base64') } } }));
      const home = path.join(repo, '.threadline');
      const env = { THREADLINE_DB_URL: await freshDatabaseUrl('sqlite'), THREADLINE_HOME: home, THREADLINE_URL: '', DOCKER_CONFIG: dockerConfig };
      const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
      const runId = (await cli('run', '--output', 'model', '--', 'node', 'train.js')).stdout.trim();
      await cli('models', 'register', 'reco', '--run', runId, '--artifact', 'model');

      const pushed = await cli('image', 'build', 'reco/1', '--repository', `${proxy.host}/reco`, '--push', '--insecure-registry');
      expect(pushed.stderr).not.toContain('error');
      expect(pushed.code).toBe(0);
      const digest = pushed.stdout.trim().split('@')[1];
      expect(skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/reco:run-${runId}`).Digest).toBe(digest);
      expect(proxy.seen.some((r) => r.url.startsWith('/token') && r.auth === 'Basic')).toBe(true);
      expect(proxy.seen.some((r) => r.method === 'PUT' && r.url.includes('/manifests/') && r.auth === 'Bearer')).toBe(true);
      expect(allBytesUnder(home).includes('pa55-w0rd')).toBe(false);
      expect(pushed.stdout + pushed.stderr).not.toContain('pa55-w0rd');

      fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('robot:wrong').toString('base64') } } }));
      const refused = await cli('image', 'build', 'reco/1', '--repository', `${proxy.host}/reco`, '--tag', 'nope', '--push', '--insecure-registry');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('HTTP 401');
      expect(refused.stderr).not.toContain('wrong');
    } finally {
      await proxy.stop();
    }
  });
});
