import fs from 'node:fs/promises';
import path from 'node:path';
import { constants as fsConstants } from 'node:fs';
import { captureData } from '../capture/data.js';
import { resolveData } from '../capture/data-files.js';
import type { DataVersion } from '../capture/types.js';
import { isThreadlineError, ThreadlineError } from '../errors.js';
import type { TrackingApi } from '../tracking/api.js';
import type { Run } from '../tracking/types.js';
import { describeDrift, diffDataFiles } from './data-diff.js';
import type { FileDrift, InputCheck } from './types.js';

export interface VerifyInputsOptions {
  /** Where the original run ran: data is usually gitignored, so it is looked for there first. */
  originalCwd: string;
  /** The same relative folder in the recreated tree. */
  worktreeCwd: string;
  allowDrift: boolean;
}

/** A checked input and the folder its data was read from (to stage it into the tree). */
export interface VerifiedInput extends InputCheck {
  sourceCwd: string | null;
}

/**
 * Re-captures every recorded data input and compares it, file by file, with its record. The
 * original working directory is tried first, then the tree (for committed data); the first place
 * whose data matches the record wins. When none matches, the drift seen at the first place the
 * data exists is reported, and the reproduction is refused unless `allowDrift`.
 */
export async function verifyInputs(api: Pick<TrackingApi, 'getDataVersion'>, run: Run, options: VerifyInputsOptions): Promise<VerifiedInput[]> {
  const inputs = run.io.filter((io) => io.direction === 'input' && io.kind === 'data');
  const checks: VerifiedInput[] = [];
  for (const input of inputs) {
    const recorded = await api.getDataVersion(input.ref);
    checks.push(await checkInput(input.name, recorded, [options.originalCwd, options.worktreeCwd]));
  }
  const drifted = checks.filter((check) => check.drift.length > 0);
  if (drifted.length > 0 && !options.allowDrift) {
    const what = drifted.map((check) => `input ${check.name}: ${check.drift.map(describeDrift).join(', ')}`).join('; ');
    throw new ThreadlineError('FAILED_PRECONDITION', `inputs differ from what run ${run.info.runId} read: ${what} (pass --allow-data-drift to run anyway)`, {
      inputDrift: drifted.map(({ sourceCwd: _, ...check }) => check),
    });
  }
  return checks;
}

async function checkInput(name: string, recorded: DataVersion, places: string[]): Promise<VerifiedInput> {
  let first: { cwd: string; drift: FileDrift[] } | null = null;
  for (const cwd of [...new Set(places)]) {
    const current = await captureData(name, { cwd }).catch((error: unknown) => {
      if (isThreadlineError(error) && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    if (!current) continue;
    const drift = diffDataFiles(recorded.files, current.files);
    if (drift.length === 0) return { name, recordedDigest: recorded.digest, location: path.resolve(cwd, name), drift, sourceCwd: cwd };
    first ??= { cwd, drift };
  }
  if (first) return { name, recordedDigest: recorded.digest, location: path.resolve(first.cwd, name), drift: first.drift, sourceCwd: first.cwd };
  const missing = recorded.files.map((file) => ({ path: file.path, change: 'missing' as const, recorded: { size: file.size, digest: file.digest }, current: null }));
  return { name, recordedDigest: recorded.digest, location: null, drift: missing, sourceCwd: null };
}

/**
 * Makes each input's files appear in the tree at the same relative paths, as hard links (data can be
 * large, and the links are the very bytes just verified), else copies. Not symlinks: `threadline
 * run` refuses a declared input that is a symlink out of its repository. Files outside the repository are
 * left where they are: the command reaches them by the same absolute path.
 */
export async function stageInputs(inputs: VerifiedInput[], worktreeCwd: string, treeRoot: string): Promise<void> {
  for (const input of inputs) {
    if (!input.sourceCwd || input.sourceCwd === worktreeCwd) continue;
    // Per file rather than the folder: works for globs, and for folders partly committed.
    const { files } = await resolveData(input.name, input.sourceCwd);
    for (const file of files) {
      const target = path.resolve(worktreeCwd, path.relative(input.sourceCwd, file.absPath));
      const inTree = path.relative(treeRoot, target);
      if (inTree.startsWith('..') || path.isAbsolute(inTree) || target === file.absPath) continue;
      await fs.rm(target, { force: true });
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.link(file.absPath, target).catch(() => fs.copyFile(file.absPath, target, fsConstants.COPYFILE_FICLONE));
    }
  }
}
