import fs from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../errors.js';
import { digestJson } from './canonical.js';
import { gitOutput, runGit } from './git-command.js';
import { excludePathspecs } from './git-exclude.js';
import { buildDirtyPatch } from './git-patch.js';
import { inspectTree } from './git-status.js';
import { defaultPatchLimits, type PatchLimits } from './patch-limits.js';
import { redactUrl } from './redact.js';
import type { CodeVersion } from './types.js';

export interface CaptureCodeOptions {
  /** Stores the dirty patch (streamed) as a blob and returns its `sha256:` digest. */
  storePatch: (patch: NodeJS.ReadableStream) => Promise<string>;
  /** Threadline's own files (home, database, artifacts): never code, whatever git says. */
  own?: readonly string[];
  /** Declared `--input`/`--output` paths or globs (relative to `dir`): data, never in the patch. */
  data?: readonly string[];
  /** Caps on untracked files stored in the patch (default 1 MiB each, 10 MiB in all). */
  limits?: PatchLimits;
}

/** Why no CodeVersion could be recorded; a run outside git is legal, so these are not errors. */
export type CodeSkipReason = 'git-not-installed' | 'not-a-repository' | 'unsafe-repository' | 'no-commits';

export type CodeCapture = { code: CodeVersion; reason: null } | { code: null; reason: CodeSkipReason };

/** The code a run ran on, or null when `dir` is not in a git work tree with a commit. */
export async function captureCode(dir: string, options: CaptureCodeOptions): Promise<CodeVersion | null> {
  return (await inspectCode(dir, options)).code;
}

/**
 * captureCode with the reason for a null. A repository without commits gives null
 * (`no-commits`) rather than an error: there is no commit to name, and refusing to run a
 * training command for it would be worse than recording the run without code.
 */
export async function inspectCode(dir: string, options: CaptureCodeOptions): Promise<CodeCapture> {
  const cwd = path.resolve(dir);
  const stat = await fs.stat(cwd).catch(() => null);
  if (!stat?.isDirectory()) throw notFound(`${cwd} is not an existing directory`, { path: cwd });

  const top = await runGit(cwd, ['rev-parse', '--show-toplevel']);
  if (top.spawnError?.code === 'ENOENT') return { code: null, reason: 'git-not-installed' };
  // git refuses repositories owned by another user (common with mounted volumes in containers).
  if (top.code !== 0 && top.stderr.includes('dubious ownership')) return { code: null, reason: 'unsafe-repository' };
  // Also a bare repository or a .git folder: no work tree, no code to record.
  if (top.code !== 0) return { code: null, reason: 'not-a-repository' };
  const repoRoot = top.stdout.toString('utf8').trim();

  const head = await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (head.code !== 0) return { code: null, reason: 'no-commits' };
  const commitSha = head.stdout.toString('utf8').trim();

  const excludes = excludePathspecs(repoRoot, cwd, options.own ?? [], options.data ?? []);
  const [branch, remoteUrl, tree] = await Promise.all([currentBranch(repoRoot), remoteUrlOf(repoRoot), inspectTree(repoRoot, excludes, options.limits ?? defaultPatchLimits)]);
  const { dirty, omitted } = tree;
  let patchDigest: string | null = null;
  if (dirty) {
    const patch = await buildDirtyPatch(repoRoot, { paths: tree.included, excludes, skipTracked: tree.trackedOmitted });
    try {
      // Empty when the difference is invisible to diff (a dirty submodule's own tree) or all left out.
      if (patch.size > 0) patchDigest = await options.storePatch(patch.open());
    } finally {
      await patch.dispose();
    }
  }
  // What was left out is part of the identity only when there is some: clean checkouts keep their id.
  const id = digestJson({ repo: remoteUrl ?? repoRoot, commit: commitSha, patchDigest, ...(omitted.length > 0 && { omitted }) });
  const code: CodeVersion = { id, repoRoot, remoteUrl, commitSha, branch, dirty, patchDigest, ...(omitted.length > 0 && { omitted }) };
  return { code, reason: null };
}

/** Null when HEAD is detached (symbolic-ref exits 1). */
async function currentBranch(repoRoot: string): Promise<string | null> {
  const result = await runGit(repoRoot, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** `origin`, else the first remote in git's (alphabetical) order; credentials removed. */
async function remoteUrlOf(repoRoot: string): Promise<string | null> {
  const names = (await gitOutput(repoRoot, ['remote'])).split('\n').filter(Boolean);
  const name = names.includes('origin') ? 'origin' : names[0];
  if (!name) return null;
  const url = await runGit(repoRoot, ['remote', 'get-url', name]);
  return url.code === 0 ? redactUrl(url.stdout.toString('utf8').trim()) : null;
}
