import { createHash } from 'node:crypto';
import type { RunArtifact } from '../tracking/types.js';

/**
 * The digest of a model stored as run artifacts under `path`:
 * - a single file: that file's digest;
 * - a folder: `sha256:` + sha256 of the UTF-8 text with one line `<relative path>\t<digest>\n`
 *   per file under it, sorted by relative path (code point order). Any change to a file's
 *   bytes, name or the set of files changes it; it does not depend on upload order.
 * Undefined when the run has no artifacts there.
 *
 * @example
 * modelDigest(artifacts, 'model') // 'sha256:…' over model/MLmodel, model/model.pkl, …
 */
export function modelDigest(artifacts: readonly RunArtifact[], path: string): string | undefined {
  const folder = path.replace(/^\/+|\/+$/g, '');
  if (folder !== '') {
    const file = artifacts.find((a) => a.path === folder);
    if (file) return file.digest;
  }
  const prefix = folder === '' ? '' : `${folder}/`;
  const files = artifacts
    .filter((a) => a.path.startsWith(prefix))
    .map((a) => ({ path: a.path.slice(prefix.length), digest: a.digest }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (files.length === 0) return undefined;
  const manifest = files.map((f) => `${f.path}\t${f.digest}\n`).join('');
  return `sha256:${createHash('sha256').update(manifest, 'utf8').digest('hex')}`;
}

/** `runs:/<run id>/<path>` → its run id and artifact path; undefined for other URIs. */
export function parseRunsUri(source: string): { runId: string; path: string } | undefined {
  const match = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(source);
  return match ? { runId: match[1]!, path: match[2] ?? '' } : undefined;
}
