// Bundles the CLI into dist/cli/main.js (and code-split chunks beside it) after `tsc` has built dist/.
// Node's ESM loader resolves and links each file separately: kysely alone is ~1,000 files, which made
// every call start in seconds. Native and heavy packages stay external and load on demand as before.
// Chunks sit in dist/cli/, two levels below the package root like every tsc output folder, so paths
// taken relative to import.meta.url (spec/, package.json) resolve the same bundled or not.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
// Pure-JS packages every command loads: bundled. Everything else stays an ordinary import.
const bundled = new Set(['kysely', 'zod', 'commander', 'uuid', 'yaml']);
const external = Object.keys(pkg.dependencies).filter((name) => !bundled.has(name));

const outdir = path.join(root, 'dist/cli');
for (const file of fs.readdirSync(outdir)) if (/^bundle-.*\.js$/.test(file)) fs.rmSync(path.join(outdir, file));
await build({
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'bundle-[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external, ...external.map((name) => `${name}/*`)],
  // Bundled CommonJS (commander) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __threadlineRequire } from 'node:module'; const require = __threadlineRequire(import.meta.url);" },
  // Less source to compile at each start; identifiers kept, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
