import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitFailure, gitOutput, runGit } from './git-command.js';

/** Options that make the diff plain and appliable whatever the user's diff configuration says. */
const plainDiff = [
  '-p',
  '--binary',
  '--full-index',
  '--no-renames',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

export interface PatchScope {
  /** Changed paths to carry (repository-relative, as `git status` lists them). */
  paths: readonly string[];
  /** Pathspecs of what is never code (Threadline's files, declared data). */
  excludes: readonly string[];
  /** Tracked files whose changes stay out (credentials). */
  skipTracked: readonly string[];
}

export interface DirtyPatch {
  size: number;
  /** Reads the patch; call before `dispose`. */
  open(): NodeJS.ReadableStream;
  dispose(): Promise<void>;
}

/**
 * The uncommitted state of the work tree as one patch against HEAD: staged and unstaged changes,
 * deletions, and untracked (not ignored) files as additions. `git apply` of it on a clean
 * checkout of HEAD recreates the tree, except what `scope` leaves out. Works on a copy of the
 * index in a temp folder, so the user's index (what they staged) is never modified. git writes
 * the patch straight to a temp file, so its size never reaches our memory. Side effect: `git add`
 * writes the blobs of changed files into the object store as loose objects (unreferenced; gc
 * removes them).
 */
export async function buildDirtyPatch(repoRoot: string, scope: PatchScope): Promise<DirtyPatch> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-index-'));
  const dispose = () => fs.rm(tmp, { recursive: true, force: true });
  try {
    const tempIndex = path.join(tmp, 'index');
    const indexEnv = { GIT_INDEX_FILE: tempIndex };
    const realIndex = path.resolve(repoRoot, await gitOutput(repoRoot, ['rev-parse', '--git-path', 'index']));
    try {
      // Copying keeps the stat cache (no rehash of unchanged files) and what the user staged.
      await fs.copyFile(realIndex, tempIndex);
      // Keep the index's mtime too: git treats entries modified in the same second as the index
      // as "racy" and rehashes them; with a fresh mtime, a same-size edit made right after the
      // index was written would look unchanged and be left out of the patch.
      const { atime, mtime } = await fs.stat(realIndex);
      await fs.utimes(tempIndex, atime, mtime);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await gitOutput(repoRoot, ['read-tree', 'HEAD'], indexEnv);
    }
    // Exactly the listed paths (never an exclude pathspec: git add refuses one that names an
    // ignored folder), through a file: there can be thousands.
    if (scope.paths.length > 0) {
      const specFile = path.join(tmp, 'pathspecs');
      await fs.writeFile(specFile, scope.paths.map((p) => `:(top,literal)${p}\0`).join(''));
      await gitOutput(repoRoot, ['add', '--all', `--pathspec-from-file=${specFile}`, '--pathspec-file-nul'], indexEnv);
    }
    // Untracked files left out were never added; tracked ones are left out of the diff.
    const args = ['diff-index', '--cached', ...plainDiff, 'HEAD', '--', '.', ...scope.excludes, ...scope.skipTracked.map((p) => `:(top,exclude,literal)${p}`)];
    const patchFile = path.join(tmp, 'dirty.patch');
    const out = await fs.open(patchFile, 'w');
    try {
      const diff = await runGit(repoRoot, args, indexEnv, out.fd);
      if (diff.code !== 0) throw gitFailure(args, diff);
    } finally {
      await out.close();
    }
    const { size } = await fs.stat(patchFile);
    return { size, open: () => createReadStream(patchFile), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
