import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { digestJson } from './canonical.js';
import { findLockfiles, findRepoRoot } from './lockfiles.js';
import { redactEnv } from './redact.js';
import { pipFreeze, probePython, probeTools } from './runtimes.js';
import type { Environment } from './types.js';

export interface CaptureEnvironmentOptions {
  /** Where the run starts; lockfiles are looked for here and at the repo root. */
  cwd?: string;
  /** The environment the command will run with (its PATH finds python, uv, conda). */
  env?: NodeJS.ProcessEnv;
  /** Repo root when already known; found by looking for `.git` upwards otherwise. */
  repoRoot?: string | null;
}

/**
 * The environment a run ran in. The external programs (python, pip, uv, conda) run in
 * parallel with the file hashing; each has a timeout, and a missing one only leaves a gap.
 *
 * `digest` is `sha256:` over the canonical JSON (see canonical.ts) of every other field. Env var
 * names are part of it, so two shells rarely give the same digest; that is the contract in
 * types.ts (the digest names this exact document, not a class of machines).
 */
export async function captureEnvironment(options: CaptureEnvironmentOptions = {}): Promise<Environment> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const probe = { cwd, env };
  const repoRoot = options.repoRoot === undefined ? await findRepoRoot(cwd) : options.repoRoot;

  const pythonAndPackages = probePython(probe).then(async (python) => ({
    python,
    packages: python ? await pipFreeze(python.program, probe) : null,
  }));
  const [tools, { python, packages }, lockfiles, prettyName] = await Promise.all([
    probeTools(probe),
    pythonAndPackages,
    findLockfiles(cwd, repoRoot),
    osPrettyName(),
  ]);

  const runtimes = { ...tools, ...(python ? { python: python.version } : {}) };
  const { names, values } = redactEnv(env);
  const document: Omit<Environment, 'digest'> = {
    os: `${process.platform} ${os.release()}`,
    osRelease: prettyName ?? safeOsVersion(),
    arch: process.arch,
    runtimes,
    lockfiles,
    pythonPackages: packages,
    containerImageDigest: imageDigest(env),
    envVarNames: names,
    envVars: values,
  };
  return { digest: digestJson(document), ...document };
}

/** Set by whoever built the image (a Dockerfile ARG/ENV or the deployment manifest). */
function imageDigest(env: NodeJS.ProcessEnv): string | null {
  const value = (env.THREADLINE_IMAGE_DIGEST || env.IMAGE_DIGEST || '').trim();
  return value || null;
}

/** PRETTY_NAME of /etc/os-release (`Debian GNU/Linux 12 (bookworm)`), when the file exists. */
async function osPrettyName(): Promise<string | null> {
  const text = await fs.readFile('/etc/os-release', 'utf8').catch(() => null);
  const match = text && /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!match) return null;
  return match[1]!.trim().replace(/^(["'])(.*)\1$/, '$2') || null;
}

function safeOsVersion(): string {
  try {
    return os.version();
  } catch {
    return '';
  }
}
