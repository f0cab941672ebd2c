import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

/** One DVC output that covers the watched data, as DVC recorded it. */
export interface DvcOut {
  /** The pointer that says so: `data.csv.dvc`, or `dvc.lock` (stage `prepare`), relative to baseDir. */
  source: string;
  stage?: string;
  /** The output's path relative to baseDir. */
  path: string;
  /** DVC's md5 (`….dir` for a folder). */
  md5: string | null;
  size: number | null;
  nfiles?: number;
}

const maxPerFilePointers = 256;

/**
 * The DVC pointer files that may describe `watched` (a file, folder or glob base): a sibling
 * `<path>.dvc`, the `.dvc` beside each watched file, and every `dvc.lock` from the watched
 * path's folder up to `baseDir`. Listed whether or not they exist yet, so that a later
 * `dvc add` (which creates one) is seen by watching them.
 */
export function dvcPointerCandidates(watched: string, files: string[], baseDir: string): string[] {
  // Each poke stats every candidate: past a few hundred files, per-file pointers (`dvc add a/*.csv`)
  // are left to the folder's own pointer and dvc.lock.
  const perFile = files.length <= maxPerFilePointers ? files.filter((f) => !f.endsWith('.dvc')).map((f) => `${f}.dvc`) : [];
  const candidates = new Set<string>([`${watched}.dvc`, ...perFile]);
  let dir = path.dirname(watched);
  const root = path.resolve(baseDir);
  for (;;) {
    candidates.add(path.join(dir, 'dvc.lock'));
    if (dir === root || !dir.startsWith(root + path.sep)) break;
    dir = path.dirname(dir);
  }
  return [...candidates].sort();
}

/** Size and mtime of each candidate that exists: part of the cheap fingerprint. */
export async function stampPointers(candidates: string[]): Promise<Record<string, string>> {
  const stamps: Record<string, string> = {};
  for (const file of candidates) {
    const stat = await fs.stat(file).catch(() => null);
    if (stat?.isFile()) stamps[file] = `${stat.size}:${stat.mtimeMs}`;
  }
  return stamps;
}

/**
 * The outputs the pointers record for the watched data: an output that is the watched path,
 * contains it, or lies inside it. A pointer that is not valid YAML is skipped (DVC would refuse
 * it too); the data is still watched.
 */
export async function readDvcOuts(watched: string, files: string[], candidates: string[], baseDir: string): Promise<DvcOut[]> {
  const outs: DvcOut[] = [];
  const rel = (p: string) => path.relative(baseDir, p).split(path.sep).join('/');
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(outer + path.sep);
  const covers = (out: string) => within(watched, out) || within(out, watched) || files.some((f) => within(f, out));
  for (const file of candidates) {
    const text = await fs.readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue;
    }
    const dir = path.dirname(file);
    const entries: { stage?: string; out: Record<string, unknown> }[] = [];
    if (path.basename(file) === 'dvc.lock') {
      const stages = (doc as { stages?: Record<string, { outs?: unknown[] }> } | null)?.stages ?? {};
      for (const [stage, body] of Object.entries(stages)) for (const out of body?.outs ?? []) entries.push({ stage, out: out as Record<string, unknown> });
    } else {
      for (const out of (doc as { outs?: unknown[] } | null)?.outs ?? []) entries.push({ out: out as Record<string, unknown> });
    }
    for (const { stage, out } of entries) {
      if (typeof out?.path !== 'string') continue;
      const abs = path.resolve(dir, out.path);
      if (!covers(abs)) continue;
      const md5 = typeof out.md5 === 'string' ? out.md5 : typeof out.hash === 'string' && out.hash !== 'md5' ? out.hash : null;
      outs.push({
        source: rel(file),
        ...(stage ? { stage } : {}),
        path: rel(abs),
        md5,
        size: typeof out.size === 'number' ? out.size : null,
        ...(typeof out.nfiles === 'number' ? { nfiles: out.nfiles } : {}),
      });
    }
  }
  return outs;
}

/** md5 of a file, as DVC 3 records it for a file output. */
export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Whether the workspace holds what DVC says: for each file output, its md5 against the file's.
 * Folder outputs (`….dir`) are not recomputed: null.
 */
export async function dvcMatchesWorkspace(outs: DvcOut[], baseDir: string): Promise<boolean | null> {
  const files = outs.filter((o) => o.md5 && !o.md5.endsWith('.dir'));
  if (files.length === 0) return null;
  for (const out of files) {
    const actual = await md5File(path.resolve(baseDir, out.path)).catch(() => null);
    if (actual !== out.md5) return false;
  }
  return true;
}
