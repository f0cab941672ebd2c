import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { dockerCredentials } from '../docker-auth.js';
import { folderEntries } from '../folder-layer.js';
import { canonicalJson, imageConfig } from '../image-config.js';
import { writeLayer, type BuiltLayer, type LayerEntry } from '../layer.js';
import { OciLayout } from '../layout.js';
import { mediaTypes, type ImageManifest } from '../media-types.js';
import { pushImage } from '../push.js';
import { parseRepository } from '../reference.js';
import { RegistryClient } from '../registry-client.js';
import { debianRootfs, skipInRootfs, type DebianRootfs } from './debian-rootfs.js';
import { packageFiles } from './package-files.js';
import { cachedLayer } from './layer-cache.js';

/** The image's user: numeric, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd. */
export const imageUser = { name: 'threadline', uid: 10001, gid: 10001, home: '/home/threadline' };
export const installDir = 'opt/threadline';
export const selfPorts = { server: 5000, proxy: 8080 };

export interface SelfImageInput {
  /** `<registry>/<name>`, e.g. `127.0.0.1:5000/threadline`. */
  repository: string;
  tag?: string;
  /** A Debian root filesystem made before; without it one is made with debootstrap (and cached). */
  rootfs?: string;
  mirror?: string;
  push?: boolean;
  insecureRegistry?: boolean;
  layoutDir?: string;
}

export interface SelfImageDeps {
  /** The installed Threadline to put in the image (its root: package.json, dist/, node_modules/). */
  packageRoot: string;
  home: string;
  env?: NodeJS.ProcessEnv;
}

export interface SelfImage {
  reference: string;
  digest: string;
  tag: string;
  layoutPath: string;
  pushed: boolean;
  base: { suite: string; packages: string[]; mirror: string } | { rootfs: string };
  layers: { digest: string; size: number }[];
}

/**
 * An image of Threadline itself, without a container engine: a Debian base layer (debootstrap,
 * minbase, Debian's nodejs), then this installation's build and production packages under
 * /opt/threadline, `threadline` on the PATH and a non-root user. One image serves as server,
 * proxy and observer (the entrypoint is `threadline`; the command picks), and as the base of model
 * images, whose serve.sh runs `threadline serve`.
 */
export async function buildSelfImage(deps: SelfImageDeps, input: SelfImageInput): Promise<SelfImage> {
  const env = deps.env ?? process.env;
  const pkg = JSON.parse(fs.readFileSync(path.join(deps.packageRoot, 'package.json'), 'utf8')) as { version: string };
  const files = packageFiles(deps.packageRoot);
  const tag = input.tag ?? `v${pkg.version}`;
  const target = parseRepository(input.repository);
  const repository = `${target.registry}/${target.name}`;
  const made: DebianRootfs | undefined = input.rootfs ? undefined : await debianRootfs({ mirror: input.mirror });
  const rootfs = input.rootfs ?? made!.dir;
  const epoch = buildEpoch(deps.packageRoot, env);
  const created = new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const layout = new OciLayout(path.resolve(input.layoutDir ?? path.join(deps.home, 'images', `threadline-self-${tag}`)));
  await layout.init();

  // The base changes only when the root filesystem is made again: its layer is kept beside it.
  const rootfsEpoch = Math.floor(fs.statSync(path.join(rootfs, 'var/lib/dpkg/status')).mtimeMs / 1000);
  const writeBase = () => writeLayer(layout, folderEntries(rootfs, { into: '', skip: skipInRootfs, keepOwners: true }), rootfsEpoch, { level: 6 });
  const base = made ? await cachedLayer(`${made.dir}.layer`, layout, writeBase) : await writeBase();
  const app = await writeLayer(layout, appEntries(deps.packageRoot, files, rootfs), epoch, { level: 6 });

  const revision = gitRevision(deps.packageRoot);
  const config = imageConfig(undefined, {
    created,
    env: { NODE_ENV: 'production', HOME: imageUser.home, THREADLINE_HOME: `${imageUser.home}/.threadline` },
    labels: {
      'org.opencontainers.image.title': 'threadline',
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.created': created,
      'org.opencontainers.image.base.name': made ? `debian:${made.suite} (debootstrap minbase: ${made.packages.join(', ')})` : 'a Debian root filesystem',
      ...(revision && { 'org.opencontainers.image.revision': revision }),
    },
    entrypoint: ['/usr/local/bin/threadline'],
    cmd: ['--help'],
    exposedPorts: [`${selfPorts.server}/tcp`, `${selfPorts.proxy}/tcp`],
    workingDir: imageUser.home,
    diffIds: [base.diffId, app.diffId],
    history: ['threadline: debootstrap --variant=minbase', `threadline: COPY threadline ${pkg.version} /${installDir}/`],
  });
  config.config.User = `${imageUser.uid}:${imageUser.gid}`;
  const configDesc = await layout.writeBlob(canonicalJson(config), mediaTypes.config);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: mediaTypes.manifest, config: configDesc, layers: [base.descriptor, app.descriptor] };
  const manifestDesc = await layout.writeBlob(canonicalJson(manifest), mediaTypes.manifest);
  await layout.writeIndex(manifestDesc, tag);
  if (input.push) {
    const client = new RegistryClient(target, { insecure: input.insecureRegistry, credentials: dockerCredentials(target.registry, env), actions: 'pull,push' });
    await pushImage(layout, manifestDesc, tag, client);
  }
  return {
    reference: `${repository}@${manifestDesc.digest}`,
    digest: manifestDesc.digest,
    tag,
    layoutPath: layout.dir,
    pushed: input.push === true,
    base: made ? { suite: made.suite, packages: made.packages, mirror: made.mirror } : { rootfs },
    layers: [base, app].map((l: BuiltLayer) => ({ digest: l.descriptor.digest, size: l.descriptor.size })),
  };
}

/** The installation under /opt/threadline, the command on the PATH, and the user with its home. */
function appEntries(packageRoot: string, files: ReturnType<typeof packageFiles>, rootfs: string): LayerEntry[] {
  const entries: LayerEntry[] = [];
  const folders = new Set<string>(['opt', installDir, 'etc', 'usr', 'usr/local', 'usr/local/bin', 'home']);
  for (const relative of files.include) {
    const source = path.join(packageRoot, relative);
    for (let parent = path.posix.dirname(relative); parent !== '.'; parent = path.posix.dirname(parent)) folders.add(`${installDir}/${parent}`);
    if (fs.statSync(source).isFile()) {
      entries.push(fileEntry(`${installDir}/${relative}`, fs.readFileSync(source)));
      continue;
    }
    folders.add(`${installDir}/${relative}`);
    entries.push(...folderEntries(source, { into: `${installDir}/${relative}`, skip: (child) => files.skip(`${relative}/${child}`) }));
  }
  entries.push(...[...folders].map((p) => ({ type: 'directory' as const, path: p })));
  // The CLI is run through the symlink: executable, and its shebang finds Debian's node.
  const main = entries.find((e) => e.path === `${installDir}/dist/cli/main.js`);
  if (main) main.mode = 0o755;
  entries.push({ type: 'symlink', path: 'usr/local/bin/threadline', target: `/${installDir}/dist/cli/main.js` });
  const { name, uid, gid, home } = imageUser;
  entries.push(fileEntry('etc/passwd', appendLine(path.join(rootfs, 'etc/passwd'), `${name}:x:${uid}:${gid}:Threadline:${home}:/usr/sbin/nologin`)));
  entries.push(fileEntry('etc/group', appendLine(path.join(rootfs, 'etc/group'), `${name}:x:${gid}:`)));
  entries.push({ type: 'directory', path: home.slice(1), uid, gid, mode: 0o755 });
  return entries;
}

function fileEntry(entryPath: string, bytes: Buffer, mode = 0o644): LayerEntry {
  return { type: 'file', path: entryPath, size: bytes.length, mode, open: async () => Readable.from([bytes]) };
}

function appendLine(file: string, line: string): Buffer {
  const text = fs.readFileSync(file, 'utf8');
  return Buffer.from(`${text}${text.endsWith('\n') ? '' : '\n'}${line}\n`);
}

/** SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the time of the build in dist/. */
function buildEpoch(packageRoot: string, env: NodeJS.ProcessEnv): number {
  if (env.SOURCE_DATE_EPOCH && /^\d+$/.test(env.SOURCE_DATE_EPOCH)) return Number(env.SOURCE_DATE_EPOCH);
  return Math.floor(fs.statSync(path.join(packageRoot, 'dist/cli/main.js')).mtimeMs / 1000);
}

function gitRevision(dir: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
