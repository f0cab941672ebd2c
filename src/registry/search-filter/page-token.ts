import { invalidArgument } from '../../errors.js';

export const defaultMaxResults = 1000;
export const maxResultsLimit = 50_000;

/** An opaque page token: base64url of `{"offset":N}`. Clients only echo it back. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/** The offset a token encodes; no token means the first page. */
export function decodePageToken(token: string | undefined | null): number {
  if (token === undefined || token === null || token === '') return 0;
  const bad = (why: string) => invalidArgument(`Invalid page token: ${why}`, { pageToken: token });
  // Buffer.from(…, 'base64url') skips characters it does not know, so check the alphabet first.
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token) || token.length > 200) throw bad('not a token this server issued');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a token this server issued');
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw bad('it holds no valid offset');
  return offset;
}

/** Checks max_results as MLflow does: at least 1, at most 50,000, 1,000 when absent. */
export function checkMaxResults(maxResults: number | undefined): number {
  if (maxResults === undefined) return defaultMaxResults;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > maxResultsLimit) {
    throw invalidArgument(
      `Invalid value for max_results: it must be an integer from 1 to ${maxResultsLimit}, got ${maxResults}`,
      { maxResults },
    );
  }
  return maxResults;
}
