import fs from 'node:fs';
import path from 'node:path';
import { processExists } from '../../process-exists.js';
import type { Prediction } from '../types.js';

/**
 * The append-only spill file of the prediction log: one JSON line per prediction, in
 * `<dir>/predictions-<start ms>-<pid>.jsonl`. Lines reach the OS with each write (a killed
 * process loses none of them); they reach the disk at the next fsync, every `fsyncIntervalMs`,
 * so a machine crash loses at most that window of journaled predictions.
 */
export class Journal {
  private fd: number | undefined;
  private file: string | undefined;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly dir: string,
    fsyncIntervalMs: number,
  ) {
    this.timer = setInterval(() => this.sync(), fsyncIntervalMs);
    this.timer.unref();
  }

  append(records: readonly Prediction[]): void {
    if (records.length === 0) return;
    if (this.fd === undefined) this.open();
    let text = '';
    for (const r of records) text += JSON.stringify(r) + '\n';
    fs.writeSync(this.fd!, text);
    this.dirty = true;
  }

  /** Closes the current file so that it can be replayed; the next append starts a new one. */
  rotate(): void {
    if (this.fd === undefined) return;
    this.sync();
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.file = undefined;
  }

  /** Files to replay: closed ones of this process, and any left by a process that is gone. */
  replayable(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => /^predictions-\d+-\d+\.jsonl$/.test(n))
      .map((n) => path.join(this.dir, n))
      .filter((f) => f !== this.file && !ownedByLiveProcess(f))
      .sort();
  }

  sync(): void {
    if (this.fd === undefined || !this.dirty) return;
    this.dirty = false;
    fs.fsyncSync(this.fd);
  }

  close(): void {
    clearInterval(this.timer);
    this.rotate();
  }

  private open(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.file = path.join(this.dir, `predictions-${Date.now()}-${process.pid}.jsonl`);
    this.fd = fs.openSync(this.file, 'a');
  }
}

/** Reads a journal file's predictions; a line cut by a crash mid-write is skipped. */
export function readJournal(file: string): Prediction[] {
  const out: Prediction[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as Prediction);
    } catch {
      // a torn last line: it was never fsynced, so it was never promised
    }
  }
  return out;
}

function ownedByLiveProcess(file: string): boolean {
  const pid = Number(/-(\d+)\.jsonl$/.exec(file)?.[1]);
  return pid !== process.pid && processExists(pid);
}
