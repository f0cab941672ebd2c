import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { failedPrecondition, ThreadlineError } from '../../../errors.js';

const run = promisify(execFile);

/**
 * Debian trixie: its `nodejs` package is Node 20.19, which Threadline needs (bookworm's is 18).
 * minbase: dpkg, apt and what they need, no init system; `nodejs` pulls in libnode and its libraries.
 */
export const debianSuite = 'trixie';
export const debianPackages = ['nodejs', 'ca-certificates'];

export interface DebianRootfs {
  dir: string;
  suite: string;
  packages: string[];
  /** The mirror it was made from. */
  mirror: string;
}

/**
 * A Debian root filesystem made with debootstrap (minbase), cached under the temp folder between
 * builds since making one takes a minute or more: made in a scratch folder and renamed into place,
 * so an interrupted run leaves no half-made cache behind.
 */
export async function debianRootfs(options: { mirror?: string; cacheDir?: string } = {}): Promise<DebianRootfs> {
  const mirror = options.mirror ?? 'http://deb.debian.org/debian';
  const cacheDir = options.cacheDir ?? path.join(os.tmpdir(), 'threadline-debootstrap');
  const dir = path.join(cacheDir, `${debianSuite}-minbase-${debianPackages.join('+')}`);
  const made = { dir, suite: debianSuite, packages: debianPackages, mirror };
  if (fs.existsSync(path.join(dir, 'usr/bin/node'))) return made;
  if (process.getuid?.() !== 0) throw failedPrecondition(`making the Debian base needs root (debootstrap): run as root, or pass --rootfs DIR with one made before`);
  await fs.promises.mkdir(cacheDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cacheDir, '.making-'));
  try {
    await run('debootstrap', ['--variant=minbase', `--include=${debianPackages.join(',')}`, debianSuite, scratch, mirror], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    const detail = error as { code?: string; stderr?: string; stdout?: string; message: string };
    if (detail.code === 'ENOENT') throw failedPrecondition('debootstrap is not installed (apt-get install debootstrap)');
    const last = `${detail.stdout ?? ''}${detail.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new ThreadlineError('UNAVAILABLE', `debootstrap ${debianSuite} from ${mirror} failed: ${last || detail.message}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(scratch, dir);
  return made;
}

/** What an image of a root filesystem leaves out: downloaded packages, package lists, runtime mounts. */
export function skipInRootfs(relative: string): boolean {
  if (/^(proc|sys|dev|run|tmp)\/./.test(relative)) return true;
  if (/^var\/cache\/apt\/.+\.bin$/.test(relative) || /^var\/cache\/apt\/archives\/.+\.deb$/.test(relative)) return true;
  return /^var\/lib\/apt\/lists\/[^/]+$/.test(relative) && relative !== 'var/lib/apt/lists/partial';
}
