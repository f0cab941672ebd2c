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

/**
 * Where a version's files are among its run's artifacts: a `runs:/<run>/<path>` source, or a
 * source under `…/<run id>/artifacts/` of the version's own run, which is what MLflow 2.x clients
 * send (`register_model` resolves `runs:/` to the run's artifact URI, `mlflow-artifacts:/1/<run>/artifacts/model`).
 */
export function runArtifactSource(version: { source: string; runId: string | null }): { runId: string; path: string } | undefined {
  const fromUri = parseRunsUri(version.source);
  if (fromUri || !version.runId) return fromUri;
  const match = new RegExp(`/${version.runId}/artifacts(?:/+(.*?))?/*$`).exec(version.source);
  return match ? { runId: version.runId, path: match[1] ?? '' } : undefined;
}

/** `runs:/<run id>/<path>` → its run id and artifact path; undefined for other URIs. */
export function parseRunsUri(source: string): { runId: string; path: string } | undefined {
  const match = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(source);
  return match ? { runId: match[1]!, path: match[2] ?? '' } : undefined;
}
