import fs from 'node:fs';
import path from 'node:path';

/**
 * Pathspecs that keep paths out of `git status` and the dirty patch: Threadline's own files
 * (home, database, artifacts: `own`) and declared data (`--input`/`--output`: `data`, paths or
 * globs relative to `cwd`). Paths outside the repository, or that hold the whole repository,
 * give none.
 */
export function excludePathspecs(repoRoot: string, cwd: string, own: readonly string[], data: readonly string[]): string[] {
  const specs = new Set<string>();
  const relative = (p: string) => {
    const rel = path.relative(repoRoot, realish(path.resolve(cwd, p)));
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
  };
  for (const p of own) {
    const rel = relative(p);
    if (rel) specs.add(`:(top,exclude,literal)${rel}`);
  }
  for (const p of data) {
    const rel = relative(p);
    if (!rel) continue;
    if (/[*?[]/.test(rel) && !fs.existsSync(path.resolve(cwd, p))) {
      // A glob: the files it matches, and everything in the folders it matches (captureData's rule).
      specs.add(`:(top,exclude,glob)${rel}`);
      specs.add(`:(top,exclude,glob)${rel}/**`);
    } else specs.add(`:(top,exclude,literal)${rel}`);
  }
  return [...specs];
}

/** The real path of `p` where it exists, else of its nearest existing folder plus the rest. */
function realish(p: string): string {
  let head = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...tail);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return p;
      tail.unshift(path.basename(head));
      head = parent;
    }
  }
}
