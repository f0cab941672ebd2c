import fs from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../errors.js';
import { githubRollback, githubTrainDeploy } from './github.js';
import { gitlabPipeline } from './gitlab.js';
import type { CiOptions } from './options.js';

export type CiSystem = 'github' | 'gitlab';

/** The pipeline files for `system`, by path relative to the repository root. */
export function ciFiles(system: CiSystem, options: CiOptions): Record<string, string> {
  if (system === 'github') {
    return {
      '.github/workflows/threadline-train-deploy.yml': githubTrainDeploy(options),
      '.github/workflows/threadline-rollback.yml': githubRollback(options),
    };
  }
  if (system === 'gitlab') return { '.gitlab-ci.yml': gitlabPipeline(options) };
  throw invalidArgument(`unknown CI system '${String(system)}': github or gitlab`);
}

/** Writes them under `dir`; returns the paths written. */
export async function writeCi(dir: string, system: CiSystem, options: CiOptions): Promise<string[]> {
  const written: string[] = [];
  for (const [relative, text] of Object.entries(ciFiles(system, options))) {
    const file = path.join(dir, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    written.push(file);
  }
  return written;
}
