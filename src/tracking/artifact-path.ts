import { invalidArgument } from '../errors.js';

/** A run-relative artifact path: forward slashes, no `..`, no leading slash, no empty segments. */
export function normalizeArtifactPath(raw: string): string {
  const parts = decodeOnce(raw).replaceAll('\\', '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw invalidArgument('artifact path must not be empty');
  if (parts.includes('..')) throw invalidArgument(`artifact path must not contain '..': ${raw}`);
  return parts.join('/');
}

function decodeOnce(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidArgument(`artifact path is not valid percent-encoding: ${raw.slice(0, 200)}`);
  }
}
