/** One piece of an MLflow LIKE pattern: `%`, `_`, or a character matched as itself. */
type Piece = { any: 'many' | 'one' } | { literal: string };

/**
 * Splits a LIKE pattern the way PostgreSQL reads it: `%` any run, `_` any one character,
 * backslash makes the next character literal (a trailing backslash is itself).
 */
function pieces(pattern: string): Piece[] {
  const out: Piece[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i]!;
    if (ch === '\\') out.push({ literal: i + 1 < chars.length ? chars[++i]! : '\\' });
    else if (ch === '%') out.push({ any: 'many' });
    else if (ch === '_') out.push({ any: 'one' });
    else out.push({ literal: ch });
  }
  return out;
}

/** The same pattern for SQLite's GLOB, which is case-sensitive where SQLite's LIKE is not. */
export function likeToGlob(pattern: string): string {
  return pieces(pattern)
    .map((p) => ('any' in p ? (p.any === 'many' ? '*' : '?') : '*?['.includes(p.literal) ? `[${p.literal}]` : p.literal))
    .join('');
}

/** The same pattern for PostgreSQL's LIKE, with every literal wildcard escaped. */
export function likeToPostgres(pattern: string): string {
  return pieces(pattern)
    .map((p) => ('any' in p ? (p.any === 'many' ? '%' : '_') : '%_\\'.includes(p.literal) ? `\\${p.literal}` : p.literal))
    .join('');
}
