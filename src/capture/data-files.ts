import fs from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../errors.js';
import { compareCodePoints } from './canonical.js';

export interface FoundFile {
  absPath: string;
  /** Relative to the folder (or glob base) given, `/`-separated; the basename for one file. */
  path: string;
}

export interface ResolvedData {
  /** Absolute path (or absolute glob pattern) of what was asked for. */
  uri: string;
  files: FoundFile[];
}

const globChars = /[*?[]/;

/**
 * A file, a folder (every file below it, recursively, except inside `.git`), or a glob
 * (`*`, `?`, `[…]` within a segment, `**` across segments; a matched folder brings all its
 * files). A path that exists is never read as a glob, so `x[1].csv` is the file of that name.
 * Files come back sorted by path in code point order.
 */
export async function resolveData(pathOrGlob: string, cwd: string): Promise<ResolvedData> {
  const absolute = path.resolve(cwd, pathOrGlob);
  const stat = await fs.stat(absolute).catch(() => null);
  if (stat?.isFile()) return { uri: absolute, files: [{ absPath: absolute, path: path.basename(absolute) }] };
  if (stat?.isDirectory()) return { uri: absolute, files: sortFiles(await walk(absolute)) };
  if (!stat && globChars.test(pathOrGlob)) return resolveGlob(absolute);
  throw notFound(`data path ${absolute} does not exist`, { path: absolute });
}

async function resolveGlob(pattern: string): Promise<ResolvedData> {
  const segments = pattern.split(path.sep);
  const firstGlob = segments.findIndex((segment) => globChars.test(segment));
  const base = segments.slice(0, firstGlob).join(path.sep) || path.sep;
  const matcher = globToRegExp(segments.slice(firstGlob).join('/'));
  const all = (await fs.stat(base).catch(() => null))?.isDirectory() ? await walk(base) : [];
  // A file matches when its path, or the path of a folder above it, matches the pattern.
  const files = all.filter((file) => {
    const parts = file.path.split('/');
    return parts.some((_, i) => matcher.test(parts.slice(0, i + 1).join('/')));
  });
  if (files.length === 0) throw notFound(`no files match ${pattern}`, { path: pattern });
  return { uri: pattern, files: sortFiles(files) };
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is zero or more whole segments; a trailing `**` is anything.
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[' && glob.indexOf(']', i + 2) > 0) {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** Every file below `root`; follows symlinks, skips `.git`, visits each real folder once. */
async function walk(root: string): Promise<FoundFile[]> {
  const files: FoundFile[] = [];
  const seen = new Set<string>();
  async function visit(dir: string, rel: string): Promise<void> {
    const real = await fs.realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const abs = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const stat = entry.isSymbolicLink() ? await fs.stat(abs).catch(() => null) : entry;
      if (stat?.isDirectory()) await visit(abs, relPath);
      else if (stat?.isFile()) files.push({ absPath: abs, path: relPath });
    }
  }
  await visit(root, '');
  return files;
}

function sortFiles(files: FoundFile[]): FoundFile[] {
  return files.sort((a, b) => compareCodePoints(a.path, b.path));
}
