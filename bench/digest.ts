/**
 * Hashing and storing throughput against the same-run coreutils baselines.
 *
 *   npx tsx bench/digest.ts [sizeMB=1024] [dir=$TMPDIR]
 *
 * Runs are interleaved (ours, theirs, ours, …) so page-cache and CPU-frequency drift hit both
 * sides alike; the best of three of each is reported.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256File } from '../src/artifacts/digest.js';
import { LocalArtifactStore } from '../src/artifacts/local-store.js';
import { printBenchResult } from './result.js';

const sizeMB = Number(process.argv[2] ?? 1024);
if (!Number.isInteger(sizeMB) || sizeMB <= 0) throw new Error(`size must be a positive integer of MB, got ${process.argv[2]}`);
const dir = fs.mkdtempSync(path.join(process.argv[3] ?? os.tmpdir(), 'threadline-bench-'));
const rounds = 3;

async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Random-ish content without paying for 1 GB of randomBytes: a random block, stamped per MiB. */
function writeInput(file: string): void {
  const block = randomBytes(16 << 20);
  const fd = fs.openSync(file, 'w');
  for (let mb = 0; mb < sizeMB; mb++) {
    const chunk = block.subarray((mb % 16) << 20, ((mb % 16) + 1) << 20);
    chunk.writeUInt32LE(mb, 0);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
}

const ratios: Record<string, number> = {};

async function compare(label: string, ours: () => unknown, theirs: () => unknown, theirsLabel: string): Promise<void> {
  const times = { ours: Infinity, theirs: Infinity };
  for (let i = 0; i < rounds; i++) {
    times.ours = Math.min(times.ours, await timed(ours));
    times.theirs = Math.min(times.theirs, await timed(theirs));
  }
  const rate = (s: number) => `${(sizeMB / s).toFixed(0).padStart(6)} MB/s`;
  console.log(`${label.padEnd(32)} ${rate(times.ours)}   ${theirsLabel.padEnd(18)} ${rate(times.theirs)}   ratio ${(times.theirs / times.ours).toFixed(2)}`);
  ratios[`${label} / ${theirsLabel} throughput`] = times.theirs / times.ours;
}

const input = path.join(dir, 'input.bin');
try {
  console.log(`writing ${sizeMB} MB to ${input}`);
  writeInput(input);
  const sum = () => execFileSync('sha256sum', [input], { encoding: 'utf8' }).slice(0, 64);
  const ours = await sha256File(input);
  if (ours.digest !== `sha256:${sum()}`) throw new Error(`digest mismatch: ${ours.digest} vs sha256sum ${sum()}`);
  await compare('sha256File', () => sha256File(input), sum, 'sha256sum');

  // putFile copies, hashes and fsyncs; cp neither hashes nor syncs, so cp + sync is shown too.
  const store = new LocalArtifactStore(path.join(dir, 'store'));
  const copy = path.join(dir, 'copy.bin');
  const putFile = async () => {
    await store.putFile(input);
    await store.delete(ours.digest); // no dedup shortcut on the next round
  };
  const cp = () => {
    execFileSync('cp', [input, copy]);
    fs.rmSync(copy);
  };
  const cpSync = () => {
    execFileSync('cp', [input, copy]);
    execFileSync('sync', [copy]);
    fs.rmSync(copy);
  };
  await compare('LocalArtifactStore.putFile', putFile, cp, 'cp');
  await compare('LocalArtifactStore.putFile', putFile, cpSync, 'cp + sync FILE');
  console.log('ratio = ours / baseline throughput (>= 1 means ours is as fast or faster)');
  printBenchResult('digest', ratios);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
