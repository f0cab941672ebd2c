import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../artifacts/digest.js';
import { gitFailure, runGit } from './git-command.js';
import { isSecretFile, type PatchLimits } from './patch-limits.js';
import type { OmittedFile } from './types.js';

export interface TreeState {
  /** Anything changed outside the excluded paths. */
  dirty: boolean;
  /** Changed files the patch must not carry, sorted by path. */
  omitted: OmittedFile[];
  /** Tracked files among `omitted`: they must be kept out of the diff by pathspec. */
  trackedOmitted: string[];
  /** Changed paths the patch carries: what status listed, less `omitted`. */
  included: string[];
}

/**
 * What `git status` sees outside `excludes`, and which changed files stay out of the patch:
 * credential files always, untracked files past the per-file cap or the running total (in path
 * order). Only the files left out for their size are read (for their sha256).
 */
export async function inspectTree(repoRoot: string, excludes: readonly string[], limits: PatchLimits): Promise<TreeState> {
  // -z: paths come raw (no quoting); --no-renames: one path per entry.
  const args = ['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--', '.', ...excludes];
  const result = await runGit(repoRoot, args);
  if (result.code !== 0) throw gitFailure(args, result);
  // Not trimmed: the first entry's status code may start with a space.
  const entries = result.stdout.toString('utf8').split('\0').filter(Boolean).map((e) => ({ code: e.slice(0, 2), path: e.slice(3) }));
  const omitted: OmittedFile[] = [];
  const trackedOmitted: string[] = [];
  const included: string[] = [];
  let total = 0;
  for (const entry of entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const untracked = entry.code === '??';
    if (isSecretFile(entry.path)) {
      omitted.push({ path: entry.path, reason: 'secret' });
      if (!untracked) trackedOmitted.push(entry.path);
      continue;
    }
    // Deleted in the index already (`git rm`): the index copy has it so; nothing to add.
    if (entry.code === 'D ') continue;
    const abs = path.join(repoRoot, entry.path);
    const stat = untracked ? await fs.lstat(abs).catch(() => null) : null;
    if (!stat || (stat.size <= limits.maxFileBytes && total + stat.size <= limits.maxTotalBytes)) {
      total += stat?.size ?? 0;
      included.push(entry.path);
      continue;
    }
    const { digest } = await sha256File(abs);
    omitted.push({ path: entry.path, reason: 'too-large', size: stat.size, digest });
  }
  return { dirty: entries.length > 0, omitted, trackedOmitted, included };
}
