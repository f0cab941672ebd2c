import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../artifacts/digest.js';
import { compareCodePoints } from './canonical.js';
import type { LockfileDigest } from './types.js';

const lockfileNames = new Set([
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'environment.yml',
  'environment.yaml',
  'pyproject.toml',
]);

function isLockfile(name: string): boolean {
  return lockfileNames.has(name) || /^requirements.*\.txt$/.test(name);
}

/**
 * Lockfiles directly in `cwd` and in `repoRoot` (not below them). Paths are relative to the
 * repo root when there is one, so a run started from a subfolder names the same files the
 * same way; otherwise relative to cwd.
 */
export async function findLockfiles(cwd: string, repoRoot: string | null): Promise<LockfileDigest[]> {
  const base = repoRoot ?? cwd;
  const folders = [...new Set([cwd, repoRoot ?? cwd])];
  const found = new Set<string>();
  for (const folder of folders) {
    const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (isLockfile(entry.name) && (entry.isFile() || entry.isSymbolicLink())) found.add(path.join(folder, entry.name));
    }
  }
  const digests = await Promise.all(
    [...found].map(async (file) => {
      const { digest } = await sha256File(file).catch(() => ({ digest: null }));
      return digest ? { path: path.relative(base, file).split(path.sep).join('/'), digest } : null;
    }),
  );
  return digests.filter((d): d is LockfileDigest => d !== null).sort((a, b) => compareCodePoints(a.path, b.path));
}

/** Nearest folder at or above `dir` holding `.git` (a folder, or a file in worktrees). */
export async function findRepoRoot(dir: string): Promise<string | null> {
  let current = path.resolve(dir);
  for (;;) {
    if (await fs.stat(path.join(current, '.git')).catch(() => null)) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}
