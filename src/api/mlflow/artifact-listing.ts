import type { RunArtifact } from '../../tracking/types.js';
import { invalidParameter } from './errors.js';

/** MLflow's FileInfo: directories carry no size. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/**
 * A run-relative path as MLflow sends it: slashes, no `..`, no empty or `.` segments. Fastify has
 * already percent-decoded the URL, so this does not decode again ('%' is a legal file name byte).
 * '' is the run's artifact root.
 */
export function cleanArtifactPath(raw: string | undefined): string {
  const parts = (raw ?? '').replaceAll('\\', '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidParameter(`Invalid artifact path: '${raw}'. Paths must not contain '..'.`);
  return parts.join('/');
}

/**
 * One directory level of a run's artifacts, as MLflow's artifact repositories list it: the
 * entries directly under `dir` (run-relative paths), folders first derived from deeper files.
 * A `dir` that names a file, or nothing, lists as empty, as on MLflow's local store.
 */
export function listLevel(artifacts: readonly RunArtifact[], dir: string): FileInfo[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const entries = new Map<string, FileInfo>();
  for (const artifact of artifacts) {
    if (!artifact.path.startsWith(prefix)) continue;
    const rest = artifact.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const path = prefix + (slash === -1 ? rest : rest.slice(0, slash));
    if (slash === -1) entries.set(path, { path, is_dir: false, file_size: artifact.size });
    else if (!entries.has(path)) entries.set(path, { path, is_dir: true });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
