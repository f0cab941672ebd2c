import { runGit } from '../../capture/git-command.js';
import { ThreadlineError } from '../../errors.js';
import type { ChangedPath } from './classify.js';

/** Whether `rev` names a commit this repository has (a remembered commit may be gone after a rebase and gc). */
export async function hasCommit(repo: string, rev: string): Promise<boolean> {
  return (await runGit(repo, ['cat-file', '-e', `${rev}^{commit}`])).code === 0;
}

/** The first parent of `rev`, or null for a root commit. */
export async function parentOf(repo: string, rev: string): Promise<string | null> {
  const result = await runGit(repo, ['rev-parse', '--verify', '--quiet', `${rev}^1`]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** Paths that differ between two commits (from null: everything in `to`), renames as delete + add. */
export async function changedPaths(repo: string, from: string | null, to: string): Promise<ChangedPath[]> {
  const args = ['diff-tree', '-r', '--no-renames', '--name-status', '-z', '--no-commit-id', ...(from ? [from, to] : ['--root', to])];
  const result = await runGit(repo, args);
  if (result.code !== 0) throw new ThreadlineError('INTERNAL', `git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  const fields = result.stdout.toString('utf8').split('\0').filter((f) => f !== '');
  const out: ChangedPath[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push({ status: fields[i]!.charAt(0), path: fields[i + 1]! });
  return out;
}

/** A file's content at a commit (`git show REV:path`), or null when it is not there. */
export async function fileAt(repo: string, rev: string, path: string): Promise<string | null> {
  const result = await runGit(repo, ['show', `${rev}:${path}`]);
  return result.code === 0 ? result.stdout.toString('utf8') : null;
}

/** Subject line and author of a commit, for the event's summary. */
export async function commitSubject(repo: string, rev: string): Promise<{ subject: string; author: string; time: number }> {
  const result = await runGit(repo, ['show', '-s', '--format=%s%x00%an%x00%ct', rev]);
  const [subject = '', author = '', time = '0'] = result.stdout.toString('utf8').trim().split('\0');
  return { subject, author, time: Number(time) * 1000 };
}
