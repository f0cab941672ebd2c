/**
 * Glob patterns for repository paths (always `/`-separated, relative to the repo root): `*` and `?`
 * stay inside one path segment, `**` spans segments, `{a,b}` alternates. A pattern without a `/`
 * matches the file name in any folder (as in .gitignore), so `Dockerfile` matches `svc/Dockerfile`.
 */
export function globToRegExp(pattern: string): RegExp {
  const anchored = pattern.includes('/') ? pattern.replace(/^\//, '') : `**/${pattern}`;
  let out = '';
  for (let i = 0; i < anchored.length; i++) {
    const c = anchored[i]!;
    if (c === '*') {
      if (anchored[i + 1] === '*') {
        const slashAfter = anchored[i + 2] === '/';
        // `**/` matches zero or more whole folders; a trailing `**` matches everything below.
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const end = anchored.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${anchored.slice(i + 1, end).split(',').map(escapeLiteral).join('|')})`;
        i = end;
      }
    } else out += escapeLiteral(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function matcher(patterns: readonly string[]): (path: string) => boolean {
  const regexps = patterns.map(globToRegExp);
  return (path) => regexps.some((r) => r.test(path));
}
