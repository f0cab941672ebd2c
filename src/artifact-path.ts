import { invalidArgument } from './errors.js';
import { decodePercent } from './percent.js';

/** A run-relative artifact path: forward slashes, no `..`, no leading slash, no empty segments. */
export function normalizeArtifactPath(raw: string): string {
  const parts = decodePercent(raw, 'artifact path').replaceAll('\\', '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw invalidArgument('artifact path must not be empty');
  if (parts.includes('..')) throw invalidArgument(`artifact path must not contain '..': ${raw}`);
  return parts.join('/');
}

