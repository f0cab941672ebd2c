import fs from 'node:fs';
import path from 'node:path';
import type { LayerEntry } from './layer.js';

export interface FolderOptions {
  /** Where the folder's contents go in the image (`opt/threadline`), or '' for the root. */
  into: string;
  /** Paths relative to the folder to leave out, with everything under them (`var/cache/apt/archives`). */
  skip?: (relative: string, stat: fs.Stats) => boolean;
  /** Keep the files' owners (a root filesystem) instead of root's. */
  keepOwners?: boolean;
}

/**
 * The entries of a layer holding a folder as it is: directories, files, symbolic links, and hard
 * links (the first path in layer order is the file, later ones link to it). Device nodes, sockets
 * and pipes are left out: a container runtime provides /dev.
 */
export function folderEntries(root: string, options: FolderOptions): LayerEntry[] {
  const found: { relative: string; stat: fs.Stats }[] = [];
  const walk = (relative: string) => {
    for (const name of fs.readdirSync(path.join(root, relative)).sort()) {
      const child = relative ? `${relative}/${name}` : name;
      const stat = fs.lstatSync(path.join(root, child));
      if (options.skip?.(child, stat)) continue;
      found.push({ relative: child, stat });
      if (stat.isDirectory()) walk(child);
    }
  };
  walk('');
  const inImage = (relative: string) => (options.into ? `${options.into}/${relative}` : relative);
  found.sort((a, b) => (inImage(a.relative) < inImage(b.relative) ? -1 : 1));
  const firstPathOfInode = new Map<string, string>();
  const entries: LayerEntry[] = [];
  for (const { relative, stat } of found) {
    const owner = { mode: stat.mode & 0o7777, ...(options.keepOwners && { uid: stat.uid, gid: stat.gid }) };
    const target = inImage(relative);
    if (stat.isDirectory()) entries.push({ type: 'directory', path: target, ...owner });
    else if (stat.isSymbolicLink()) entries.push({ type: 'symlink', path: target, target: fs.readlinkSync(path.join(root, relative)), ...owner });
    else if (stat.isFile()) {
      const inode = `${stat.dev}:${stat.ino}`;
      const first = stat.nlink > 1 ? firstPathOfInode.get(inode) : undefined;
      if (first) entries.push({ type: 'link', path: target, target: first, ...owner });
      else {
        if (stat.nlink > 1) firstPathOfInode.set(inode, target);
        const file = path.join(root, relative);
        entries.push({ type: 'file', path: target, size: stat.size, open: async () => fs.createReadStream(file), ...owner });
      }
    }
  }
  return entries;
}
