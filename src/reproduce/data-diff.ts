import type { DataFile } from '../capture/types.js';
import type { FileDrift } from './types.js';

/** File-by-file difference between a recorded manifest and a fresh capture, sorted by path. */
export function diffDataFiles(recorded: readonly DataFile[], current: readonly DataFile[]): FileDrift[] {
  const now = new Map(current.map((file) => [file.path, file]));
  const drift: FileDrift[] = [];
  for (const before of recorded) {
    const after = now.get(before.path);
    now.delete(before.path);
    if (!after) drift.push({ path: before.path, change: 'missing', recorded: sizeAndDigest(before), current: null });
    else if (after.digest !== before.digest || after.size !== before.size) {
      drift.push({ path: before.path, change: 'changed', recorded: sizeAndDigest(before), current: sizeAndDigest(after) });
    }
  }
  for (const added of now.values()) drift.push({ path: added.path, change: 'added', recorded: null, current: sizeAndDigest(added) });
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `orders.csv changed (52 → 60 bytes, sha256:1a2b3c4d… → sha256:5e6f…)`: one file, one phrase. */
export function describeDrift(file: FileDrift): string {
  const short = (digest: string) => `${digest.slice(0, 15)}…`;
  if (file.change === 'missing') return `${file.path} missing (was ${file.recorded!.size} bytes)`;
  if (file.change === 'added') return `${file.path} added (${file.current!.size} bytes)`;
  return `${file.path} changed (${file.recorded!.size} → ${file.current!.size} bytes, ${short(file.recorded!.digest)} → ${short(file.current!.digest)})`;
}

function sizeAndDigest(file: DataFile): { size: number; digest: string } {
  return { size: file.size, digest: file.digest };
}
