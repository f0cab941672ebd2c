import path from 'node:path';
import { resolveData, type FoundFile } from '../../capture/data-files.js';
import { isThreadlineError } from '../../errors.js';
import { digestFiles, sameStamps, stampFiles, type KnownFiles } from '../data/fingerprint.js';
import { withoutOwn } from '../data/sources.js';

export interface CodeChange {
  added: string[];
  removed: string[];
  modified: { path: string; before: string; after: string }[];
}

/**
 * Digests of the feature code files (globs, folders or files relative to baseDir), keyed by
 * their path relative to baseDir; a file whose size and mtime did not move is not read again.
 * A glob that matches nothing contributes nothing (the files may come later).
 */
export async function featureCodeDigests(patterns: string[], baseDir: string, known: KnownFiles | undefined, own: string[] = []): Promise<{ files: KnownFiles; unchanged: boolean }> {
  const found = new Map<string, FoundFile>();
  for (const pattern of patterns) {
    try {
      const resolved = await resolveData(pattern, baseDir);
      for (const f of withoutOwn(resolved.files, own, path.resolve(baseDir, pattern))) {
        const rel = path.relative(baseDir, f.absPath).split(path.sep).join('/');
        found.set(rel, { absPath: f.absPath, path: rel });
      }
    } catch (error) {
      if (!isThreadlineError(error) || error.code !== 'NOT_FOUND') throw error;
    }
  }
  const stamps = await stampFiles([...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  if (sameStamps(stamps, known)) return { files: known!, unchanged: true };
  return { files: (await digestFiles(stamps, known)).known, unchanged: false };
}

export function diffCode(before: KnownFiles, after: KnownFiles): CodeChange {
  return {
    added: Object.keys(after).filter((p) => !(p in before)).sort(),
    removed: Object.keys(before).filter((p) => !(p in after)).sort(),
    modified: Object.keys(after)
      .filter((p) => p in before && before[p]!.digest !== after[p]!.digest)
      .sort()
      .map((p) => ({ path: p, before: before[p]!.digest, after: after[p]!.digest })),
  };
}
