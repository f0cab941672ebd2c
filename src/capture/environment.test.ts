import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestJson } from './canonical.js';
import { captureEnvironment } from './environment.js';
import type { Environment } from './types.js';

const secrets = { API_TOKEN: 'supersecret', DB_PASSWORD: 'hunter2-pw', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIK7MDENG' };
let root: string;
let cwd: string;
let environment: Environment;
let elapsedMs: number;

function sha256sum(file: string): string {
  return `sha256:${execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]}`;
}

function pythonOnPath(): string | null {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-env-test-')));
  fs.mkdirSync(path.join(root, '.git'));
  cwd = path.join(root, 'training');
  fs.mkdirSync(cwd);
  fs.writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
  fs.writeFileSync(path.join(cwd, 'requirements.txt'), 'numpy==2.1.0\npandas==2.2.3\n');
  fs.writeFileSync(path.join(cwd, 'requirements-dev.txt'), 'pytest==8.3.3\n');
  fs.writeFileSync(path.join(cwd, 'notes.txt'), 'not a lockfile\n');
  const env = {
    ...process.env,
    ...secrets,
    TZ: 'Europe/Paris',
    THREADLINE_ENV_ALLOW: 'MIRROR_URL,DB_PASSWORD',
    MIRROR_URL: 'https://bob:pw-in-url@mirror.example.com/simple',
    THREADLINE_IMAGE_DIGEST: 'registry.local/reco@sha256:9f1c',
  };
  const started = performance.now();
  environment = await captureEnvironment({ cwd, env });
  elapsedMs = performance.now() - started;
  console.log(`captureEnvironment took ${elapsedMs.toFixed(0)} ms`);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('captureEnvironment', () => {
  it('digests lockfiles in cwd and at the repo root, as sha256sum does', () => {
    expect(environment.lockfiles).toEqual([
      { path: 'package-lock.json', digest: sha256sum(path.join(root, 'package-lock.json')) },
      { path: 'training/requirements-dev.txt', digest: sha256sum(path.join(cwd, 'requirements-dev.txt')) },
      { path: 'training/requirements.txt', digest: sha256sum(path.join(cwd, 'requirements.txt')) },
    ]);
  });

  it('records secret-named variables by name only', () => {
    for (const name of Object.keys(secrets)) expect(environment.envVarNames).toContain(name);
    const json = JSON.stringify(environment);
    for (const value of Object.values(secrets)) expect(json).not.toContain(value);
    expect(json).not.toContain('pw-in-url');
    expect(environment.envVars.DB_PASSWORD).toBeUndefined(); // allow-listed, but secret-named
  });

  it('keeps allow-listed values, credentials stripped from URLs', () => {
    expect(environment.envVars.TZ).toBe('Europe/Paris');
    expect(environment.envVars.MIRROR_URL).toBe('https://mirror.example.com/simple');
    expect(environment.envVars.PATH).toBeUndefined();
  });

  it('records os, arch, runtimes and the image digest', () => {
    expect(environment.os).toBe(`${process.platform} ${os.release()}`);
    expect(environment.arch).toBe(process.arch);
    expect(environment.runtimes.node).toBe(process.versions.node);
    const python = pythonOnPath();
    if (python) {
      expect(python).toContain(environment.runtimes.python);
      expect(Array.isArray(environment.pythonPackages)).toBe(true);
    } else {
      expect(environment.runtimes.python).toBeUndefined();
      expect(environment.pythonPackages).toBeNull();
    }
    expect(environment.containerImageDigest).toBe('registry.local/reco@sha256:9f1c');
    if (fs.existsSync('/etc/os-release')) expect(environment.osRelease).not.toBe('');
  });

  it('digests the canonical JSON of everything but the digest: same inputs, same digest', async () => {
    const { digest, ...document } = environment;
    expect(digest).toBe(digestJson(document));
    const env = { PATH: process.env.PATH, TZ: 'UTC' };
    const first = await captureEnvironment({ cwd, env });
    expect((await captureEnvironment({ cwd, env })).digest).toBe(first.digest);
    expect((await captureEnvironment({ cwd, env: { ...env, EXTRA: '1' } })).digest).not.toBe(first.digest);
  });

  it('copes without python on PATH', async () => {
    const env = { PATH: path.join(root, 'empty-bin'), TZ: 'UTC' };
    const bare = await captureEnvironment({ cwd, env, repoRoot: null });
    expect(bare.runtimes).toEqual({ node: process.versions.node });
    expect(bare.pythonPackages).toBeNull();
    expect(bare.lockfiles.map((l) => l.path)).toEqual(['requirements-dev.txt', 'requirements.txt']);
    expect(bare.envVarNames).toEqual(['PATH', 'TZ']);
  });

  it('is quick', () => {
    expect(elapsedMs).toBeLessThan(20_000);
  });
});
