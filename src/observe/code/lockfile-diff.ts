/**
 * Package pins read from lockfiles, and what changed between two versions of one. Parsers are
 * lenient line/JSON readers of the formats' stable parts; a file they cannot read gives null,
 * and the event then says the file changed without a package diff.
 */
export type Packages = Map<string, string>;

export interface PackageDiff {
  added: { name: string; version: string }[];
  removed: { name: string; version: string }[];
  changed: { name: string; from: string; to: string }[];
}

/** The parser for a path, by file name, or undefined when the file is not a lockfile we read. */
export function lockfileParser(path: string): ((text: string) => Packages | null) | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') return parsePackageLock;
  if (/^(requirements|constraints).*\.txt$/.test(name) || (path.includes('requirements/') && name.endsWith('.txt'))) return parseRequirements;
  if (name === 'poetry.lock' || name === 'uv.lock') return parseTomlPackages;
  if (name === 'Pipfile.lock') return parsePipfileLock;
  return undefined;
}

/** npm v2/v3 `packages` (keys `node_modules/a/node_modules/b`), else v1 `dependencies` (top level). */
export function parsePackageLock(text: string): Packages | null {
  let json: { packages?: Record<string, { version?: string; name?: string }>; dependencies?: Record<string, { version?: string }> };
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const out: Packages = new Map();
  if (json && typeof json.packages === 'object') {
    for (const [key, info] of Object.entries(json.packages)) {
      // "" is the project itself; links to workspace folders have no node_modules/ prefix.
      if (key === '' || !key.startsWith('node_modules/') || typeof info?.version !== 'string') continue;
      out.set(key.slice('node_modules/'.length), info.version);
    }
    return out;
  }
  if (json && typeof json.dependencies === 'object') {
    for (const [name, info] of Object.entries(json.dependencies)) if (typeof info?.version === 'string') out.set(name, info.version);
    return out;
  }
  return null;
}

/** `name==1.2` pins (and other specifiers, kept as written); names normalised as pip does (PEP 503). */
export function parseRequirements(text: string): Packages {
  const out: Packages = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-') || line.includes('://')) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)/.exec(line);
    if (!match) continue;
    const name = match[1]!.toLowerCase().replace(/[._-]+/g, '-');
    const spec = match[3]!.trim();
    out.set(name, spec.startsWith('==') && !spec.includes(',') ? spec.slice(2).trim() : spec || '*');
  }
  return out;
}

/** `[[package]]` tables with `name = "…"` and `version = "…"` (poetry.lock, uv.lock). */
export function parseTomlPackages(text: string): Packages | null {
  const out: Packages = new Map();
  let inPackage = false;
  let name: string | undefined;
  let version: string | undefined;
  const flush = () => {
    if (inPackage && name && version) out.set(name.toLowerCase().replace(/[._-]+/g, '-'), version);
    name = version = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\[?([^\]]+)\]\]?\s*$/.exec(line);
    if (header) {
      // Sub-tables such as [package.dependencies] belong to the package above.
      if (header[1]!.trim().startsWith('package.')) continue;
      flush();
      inPackage = line.trim() === '[[package]]';
      continue;
    }
    if (!inPackage) continue;
    const kv = /^\s*(name|version)\s*=\s*"([^"]*)"/.exec(line);
    if (kv && kv[1] === 'name' && name === undefined) name = kv[2];
    if (kv && kv[1] === 'version' && version === undefined) version = kv[2];
  }
  flush();
  return out.size > 0 || /\[\[package\]\]/.test(text) || text.trim() === '' ? out : null;
}

export function parsePipfileLock(text: string): Packages | null {
  try {
    const json = JSON.parse(text) as Record<string, Record<string, { version?: string }>>;
    const out: Packages = new Map();
    for (const section of ['default', 'develop']) {
      for (const [name, info] of Object.entries(json[section] ?? {})) {
        if (typeof info?.version === 'string') out.set(name.toLowerCase(), info.version.replace(/^==/, ''));
      }
    }
    return out;
  } catch {
    return null;
  }
}

export function diffPackages(before: Packages, after: Packages): PackageDiff {
  const diff: PackageDiff = { added: [], removed: [], changed: [] };
  for (const [name, version] of after) {
    const old = before.get(name);
    if (old === undefined) diff.added.push({ name, version });
    else if (old !== version) diff.changed.push({ name, from: old, to: version });
  }
  for (const [name, version] of before) if (!after.has(name)) diff.removed.push({ name, version });
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  return diff;
}
