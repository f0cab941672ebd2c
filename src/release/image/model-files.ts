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

/** Reads an MLflow 3 logged model's files: what packaging a `models:/<model_id>` version needs. */
export interface LoggedModelFiles {
  getLoggedModel(modelId: string): Promise<{ files: readonly ModelFile[] }>;
}

/** The files of a version registered from a logged model (none for a run's `runs:/` version). */
export async function loggedModelFiles(api: LoggedModelFiles, version: ModelVersion): Promise<readonly ModelFile[] | undefined> {
  return version.modelId ? (await api.getLoggedModel(version.modelId)).files : undefined;
}

/**
 * The version's files: an MLflow 3 logged model's files (`logged`, paths under its artifact
 * root), or its run artifacts, where a folder's files keep their paths below it and a single file
 * keeps its name. A version with neither cannot be packaged.
 */
export function modelFiles(version: ModelVersion, artifacts: readonly RunArtifact[], logged?: readonly ModelFile[]): ModelFile[] {
  if (version.modelId) {
    if (!logged || logged.length === 0) throw new ThreadlineError('FAILED_PRECONDITION', `Model ${version.name}/${version.version} comes from logged model ${version.modelId}, which has no files to package`);
    return logged.map((f) => ({ path: f.path, digest: f.digest, size: f.size })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
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
