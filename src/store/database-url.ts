import { fileURLToPath } from 'node:url';
import { invalidArgument } from '../errors.js';

export type DatabaseLocation = { dialect: 'postgres'; url: string } | { dialect: 'sqlite'; file: string };

const supported = 'a SQLite file path, file:PATH, postgres://… or postgresql://…';

/**
 * What THREADLINE_DB_URL names. Anything with another scheme is refused: left alone, `mysql://x/y`
 * would be read as a relative path and become a SQLite file named `mysql:/x/y`.
 */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  if (url === ':memory:') return { dialect: 'sqlite', file: url };
  if (/^file:/i.test(url)) return { dialect: 'sqlite', file: url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length) };
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(url)?.[1];
  if (scheme) throw invalidArgument(`Unsupported database URL scheme '${scheme}:' in THREADLINE_DB_URL: use ${supported}`, { scheme });
  if (url.trim() === '') throw invalidArgument(`THREADLINE_DB_URL is empty: use ${supported}`);
  return { dialect: 'sqlite', file: url };
}

/** `postgres://user:secret@host:5432/db` as `host:5432/db`: where, without credentials, for messages. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}
