import path from 'node:path';
import type { FoundFile } from './data-files.js';
import { dvcPointerCandidates, md5File, readDvcOuts } from './dvc.js';

/**
 * The md5 DVC recorded for each file of a data version (a `.dvc` pointer or `dvc.lock` output
 * that is the file itself), keyed by absolute path, kept only where it matches the content: a
 * stale pointer must not name data it no longer describes. Folder outputs (`….dir`) list their
 * files' md5s only in DVC's cache, so they give none.
 */
export async function dvcMd5s(uri: string, files: readonly FoundFile[], baseDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const absPaths = files.map((f) => f.absPath);
  const candidates = dvcPointerCandidates(uri, absPaths, baseDir);
  const outs = await readDvcOuts(uri, absPaths, candidates, baseDir);
  const wanted = new Set(absPaths);
  for (const out of outs) {
    const abs = path.resolve(baseDir, out.path);
    if (!out.md5 || out.md5.endsWith('.dir') || !wanted.has(abs) || found.has(abs)) continue;
    if ((await md5File(abs).catch(() => null)) === out.md5) found.set(abs, out.md5);
  }
  return found;
}
