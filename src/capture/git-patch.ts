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

/**
 * The uncommitted state of the work tree as one patch against HEAD: staged and unstaged changes,
 * deletions, and untracked (not ignored) files as additions. `git apply` of it on a clean
 * checkout of HEAD recreates the tree. Works on a copy of the index in a temp folder, so the
 * user's index (what they staged) is never modified. Side effect: `git add` writes the blobs
 * of changed files into the object store as loose objects (unreferenced; gc removes them).
 */
export async function buildDirtyPatch(repoRoot: string): Promise<Buffer> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-index-'));
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
    await gitOutput(repoRoot, ['add', '--all', '--', '.'], indexEnv);
    const args = ['diff-index', '--cached', ...plainDiff, 'HEAD'];
    const diff = await runGit(repoRoot, args, indexEnv);
    if (diff.code !== 0) throw gitFailure(args, diff);
    return diff.stdout;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
