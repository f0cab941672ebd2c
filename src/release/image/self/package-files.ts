import fs from 'node:fs';
import path from 'node:path';
import { failedPrecondition } from '../../../errors.js';

/** What of the package root runs: the build, the schemas read at run time, the manifest. */
const runtimePaths = ['package.json', 'dist', 'spec/openlineage'];

/**
 * Native binaries for other platforms and the sources they were compiled from: a linux/amd64
 * image has no use for them, and onnxruntime-node alone ships about 220 MB of them.
 */
const otherPlatforms = [
  /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)$/,
  /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/arm64$/,
  /^node_modules\/better-sqlite3\/(deps|src)$/,
  /^node_modules\/better-sqlite3\/build\/Release\/(obj|obj\.target|\.deps|test_extension\.node)$/,
  /^node_modules\/better-sqlite3\/build\/(deps|[^/]*\.mk|Makefile|config\.gypi)$/,
];

interface LockEntry {
  dev?: boolean;
}

/**
 * The folders and files of an installed Threadline that an image needs, relative to its root:
 * the runtime paths above and every package of package-lock.json that is not a dev dependency
 * (what `npm ci --omit=dev` would install), as installed here.
 */
export function packageFiles(packageRoot: string): { include: string[]; skip: (relative: string) => boolean } {
  const main = path.join(packageRoot, 'dist/cli/main.js');
  if (!fs.existsSync(main)) throw failedPrecondition(`${packageRoot} has no build (dist/cli/main.js): run \`npm run build\` first`);
  const lockFile = path.join(packageRoot, 'package-lock.json');
  if (!fs.existsSync(lockFile)) throw failedPrecondition(`${packageRoot} has no package-lock.json: the image takes the production packages from it`);
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages?: Record<string, LockEntry> };
  const packages = Object.entries(lock.packages ?? {})
    .filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev)
    .map(([key]) => key)
    .filter((key) => fs.existsSync(path.join(packageRoot, key)));
  // Nested packages sit inside their parent's folder: the outermost one brings them along, so
  // only top-level ones are walked, and nested dev-only packages are skipped inside them.
  const production = new Set(packages);
  const devOnly = new Set(Object.entries(lock.packages ?? {}).filter(([, entry]) => entry.dev).map(([key]) => key));
  const topLevel = packages.filter((key) => !packages.some((other) => other !== key && key.startsWith(`${other}/`)));
  return {
    include: [...runtimePaths.filter((p) => fs.existsSync(path.join(packageRoot, p))), ...topLevel].sort(),
    skip: (relative) => otherPlatforms.some((re) => re.test(relative)) || (devOnly.has(relative) && !production.has(relative)),
  };
}

/** The root of the running Threadline: the nearest folder above `from` with its package.json. */
export function packageRootOf(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'threadline') return dir;
    if (path.dirname(dir) === dir) throw failedPrecondition(`no threadline package.json above ${from}`);
  }
}
