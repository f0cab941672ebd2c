import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What starting a container of an image needs from its config. */
export interface ImageRuntime {
  rootfs: string;
  env: string[];
  entrypoint: string[];
  workingDir: string;
  /** `uid:gid`, numeric. */
  user: string;
  /** Digests of the layers unpacked into rootfs, in order. */
  layers: string[];
}

/**
 * Pulls an image back from the registry (skopeo), unpacks its layers in order into a root
 * filesystem (GNU tar as root keeps owners and modes), and adds the few device nodes a runtime
 * would mount. No whiteouts are handled: the images tested here only add files. With `onto`, an
 * image whose first layers are exactly those of `onto` gets only its own layers unpacked on top
 * of that root filesystem (as a runtime shares the base's layers), which `onto` then is.
 */
export function unpackImage(registryImage: string, onto?: ImageRuntime): ImageRuntime {
  const pulled = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pulled-'));
  const rootfs = onto?.rootfs ?? fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-rootfs-'));
  fs.chmodSync(rootfs, 0o755); // a root directory every user may enter, as a runtime's
  execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${registryImage}`, `dir:${pulled}`]);
  const manifest = JSON.parse(fs.readFileSync(path.join(pulled, 'manifest.json'), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  const digests = manifest.layers.map((l) => l.digest);
  const shared = onto?.layers ?? [];
  if (digests.slice(0, shared.length).join() !== shared.join()) throw new Error(`${registryImage} does not start with the layers of the image it is unpacked onto`);
  for (const digest of digests.slice(shared.length)) execFileSync('tar', ['-xzf', path.join(pulled, digest.slice(7)), '-C', rootfs, '--same-owner', '--same-permissions']);
  const config = JSON.parse(fs.readFileSync(path.join(pulled, manifest.config.digest.slice(7)), 'utf8')) as { config: { Env: string[]; Entrypoint: string[]; WorkingDir: string; User?: string } };
  fs.rmSync(pulled, { recursive: true, force: true });
  for (const [name, major, minor] of [['null', 1, 3], ['zero', 1, 5], ['random', 1, 8], ['urandom', 1, 9]] as const) {
    const node = path.join(rootfs, 'dev', name);
    if (!fs.existsSync(node)) execFileSync('mknod', ['-m', '666', node, 'c', String(major), String(minor)]);
  }
  return { rootfs, env: config.config.Env, entrypoint: config.config.Entrypoint, workingDir: config.config.WorkingDir, user: config.config.User ?? '0:0', layers: digests };
}

/** Starts the image's entrypoint (or `command` instead of it) with `args`, chrooted, as its user, with its env only. */
export function startInChroot(image: ImageRuntime, args: string[], options: { command?: string[]; env?: Record<string, string> } = {}): ChildProcess {
  const env = Object.fromEntries(image.env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  const argv = [...(options.command ?? image.entrypoint), ...args];
  return spawn('chroot', [`--userspec=${image.user}`, image.rootfs, '/bin/sh', '-c', 'cd "$0" && exec "$@"', image.workingDir, ...argv], {
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs to the end: exit code and output. */
export function runInChroot(image: ImageRuntime, args: string[], options: { command?: string[]; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startInChroot(image, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
