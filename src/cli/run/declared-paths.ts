import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../../capture/git-command.js';
import { invalidArgument } from '../../errors.js';

/**
 * The folder declared paths must stay in when named through a symlink: the repository's root,
 * or the working folder outside a repository.
 */
export async function declaredPathBoundary(cwd: string): Promise<string> {
  const top = await runGit(cwd, ['rev-parse', '--show-toplevel']);
  const root = top.code === 0 ? top.stdout.toString('utf8').trim() : cwd;
  return fs.realpathSync(root);
}

/**
 * Refuses a declared `--input`/`--output` that is itself a symlink to somewhere outside
 * `boundary`: following it would read or upload files the user never named (a folder's walk
 * skips such links already). A path that does not exist (yet) passes.
 */
export function refuseOutsideLink(boundary: string, cwd: string, declared: string, flag: '--input' | '--output'): void {
  const absolute = path.resolve(cwd, declared);
  const link = fs.lstatSync(absolute, { throwIfNoEntry: false });
  if (!link?.isSymbolicLink()) return;
  let target: string;
  try {
    target = fs.realpathSync(absolute);
  } catch {
    throw invalidArgument(`${flag} ${declared} is a symlink whose target does not exist`, { path: absolute });
  }
  const rel = path.relative(boundary, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw invalidArgument(`${flag} ${declared} is a symlink to ${target}, outside ${boundary}: name the target itself if you mean it`, { path: absolute, target });
  }
}

export async function refuseOutsideLinks(cwd: string, inputs: readonly string[], outputs: readonly string[]): Promise<string> {
  const boundary = await declaredPathBoundary(cwd);
  for (const input of inputs) refuseOutsideLink(boundary, cwd, input, '--input');
  for (const output of outputs) refuseOutsideLink(boundary, cwd, output, '--output');
  return boundary;
}
