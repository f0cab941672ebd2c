import { ThreadlineError } from '../../errors.js';
import { runArtifactSource } from '../../registry/artifact-digest.js';
import type { ModelVersion } from '../../registry/types.js';
import type { RunArtifact } from '../../tracking/types.js';

export interface ModelFile {
  /** Path inside the image's `/model/` folder. */
  path: string;
  digest: string;
  size: number;
}

/**
 * The version's files as stored run artifacts: a folder's files keep their paths below it, a
 * single file keeps its name. A version that does not point at run artifacts cannot be packaged.
 */
export function modelFiles(version: ModelVersion, artifacts: readonly RunArtifact[]): ModelFile[] {
  const uri = runArtifactSource(version);
  const folder = (uri?.path ?? '').replace(/^\/+|\/+$/g, '');
  const single = artifacts.find((a) => folder !== '' && a.path === folder);
  const files = single
    ? [{ path: folder.slice(folder.lastIndexOf('/') + 1), digest: single.digest, size: single.size }]
    : artifacts.filter((a) => folder === '' || a.path.startsWith(`${folder}/`)).map((a) => ({ path: folder === '' ? a.path : a.path.slice(folder.length + 1), digest: a.digest, size: a.size }));
  if (!uri || files.length === 0) {
    throw new ThreadlineError('FAILED_PRECONDITION', `Model ${version.name}/${version.version} has no run artifacts to package (source ${version.source})`);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every parent folder of the files (`a/b/c.txt` → `a`, `a/b`), for the tar's directory entries. */
export function parentFolders(paths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return [...folders].sort();
}
