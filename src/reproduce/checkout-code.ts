import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../capture/git-command.js';
import type { CodeVersion } from '../capture/types.js';
import { ThreadlineError } from '../errors.js';
import type { CodeCheckout } from './types.js';

export interface CheckoutOptions {
  /** An empty folder of ours; the tree goes in a subfolder of it. */
  tmpDir: string;
  /** The dirty patch's bytes, when the run was dirty. */
  readPatch: (digest: string) => Promise<Buffer>;
  progress: (message: string) => void;
}

export interface Checkout extends CodeCheckout {
  /** Removes the tree (and its worktree registration); safe to call twice. */
  remove(): Promise<void>;
}

/**
 * The recorded code in a fresh tree: a detached worktree of the recorded repository when it is
 * still there and has the commit (cheap, no network), else a clone of the recorded remote; then
 * the dirty patch, if any, applied on top.
 */
export async function checkoutCode(code: CodeVersion, options: CheckoutOptions): Promise<Checkout> {
  const root = path.join(options.tmpDir, path.basename(code.repoRoot) || 'code');
  let checkout: Checkout;
  if (await hasCommit(code.repoRoot, code.commitSha)) {
    await git(code.repoRoot, ['worktree', 'add', '--detach', root, code.commitSha], 'could not create a worktree');
    options.progress(`code: worktree of ${code.repoRoot} at ${code.commitSha.slice(0, 12)} in ${root}`);
    checkout = { root, source: 'worktree', commitSha: code.commitSha, patched: false, remove: () => removeWorktree(code.repoRoot, root) };
  } else {
    if (!code.remoteUrl) throw failed(`the recorded repository ${code.repoRoot} is gone or lacks commit ${code.commitSha.slice(0, 12)}, and no remote was recorded to clone from`);
    options.progress(`code: ${code.repoRoot} is gone or lacks the commit; cloning ${code.remoteUrl}`);
    const clone = await runGit(options.tmpDir, ['clone', '--quiet', '--no-checkout', code.remoteUrl, root]);
    if (clone.code !== 0) {
      throw new ThreadlineError('UNAVAILABLE', `could not clone ${code.remoteUrl} (offline, or no access?): ${firstLine(clone.stderr)}`);
    }
    checkout = { root, source: 'clone', commitSha: code.commitSha, patched: false, remove: () => fs.rm(root, { recursive: true, force: true }) };
    try {
      await git(root, ['checkout', '--quiet', '--detach', code.commitSha], `the clone of ${code.remoteUrl} has no commit ${code.commitSha.slice(0, 12)}`);
    } catch (error) {
      await checkout.remove();
      throw error;
    }
  }
  if (!code.dirty || !code.patchDigest) return checkout;
  try {
    const patchFile = path.join(options.tmpDir, 'dirty.patch');
    await fs.writeFile(patchFile, await options.readPatch(code.patchDigest));
    await git(checkout.root, ['apply', '--whitespace=nowarn', patchFile], `the recorded patch ${code.patchDigest.slice(0, 19)}… does not apply`);
    options.progress(`code: applied the run's uncommitted changes (${code.patchDigest.slice(0, 19)}…)`);
    return { ...checkout, patched: true };
  } catch (error) {
    await checkout.remove();
    throw error;
  }
}

async function hasCommit(repoRoot: string, sha: string): Promise<boolean> {
  const stat = await fs.stat(repoRoot).catch(() => null);
  if (!stat?.isDirectory()) return false;
  const result = await runGit(repoRoot, ['cat-file', '-e', `${sha}^{commit}`]);
  return result.code === 0;
}

async function removeWorktree(repoRoot: string, root: string): Promise<void> {
  // --force: the run wrote outputs into the tree, and staged inputs are untracked files.
  const result = await runGit(repoRoot, ['worktree', 'remove', '--force', root]);
  if (result.code !== 0) {
    await fs.rm(root, { recursive: true, force: true });
    await runGit(repoRoot, ['worktree', 'prune']);
  }
}

async function git(cwd: string, args: string[], what: string): Promise<void> {
  const result = await runGit(cwd, args);
  if (result.code !== 0) throw failed(`${what}: ${firstLine(result.stderr) || `git ${args[0]} exit ${result.code}`}`);
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';
const failed = (message: string) => new ThreadlineError('FAILED_PRECONDITION', message);
