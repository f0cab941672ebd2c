/** How ids and sizes read on a terminal line: long enough to paste back into `trace`, short enough to scan. */
import { runIdPattern, uuidPattern } from '../ids.js';

export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '-';
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/**
 * Run, prediction, event and validation ids are time-ordered, so their heads repeat: their short
 * form is the random tail (the last 8 hex, as in `run-8310db3a`), which every id resolver reads back.
 */
export function shortId(id: string): string {
  if (runIdPattern.test(id) || uuidPattern.test(id)) return id.slice(-8);
  return id.length > 12 ? `${id.slice(0, 12)}…` : id;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
