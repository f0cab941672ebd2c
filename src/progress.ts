import diagnostics_channel from 'node:diagnostics_channel';
import fs from 'node:fs';

/**
 * Progress of long work (hashing, uploads, image layers, drift columns), published on a
 * diagnostics channel rather than printed: the domain says how far it is, and only the CLI, on
 * a terminal, subscribes and draws it (cli/progress-bar.ts). With no subscriber a task costs a
 * boolean check per call.
 */
/** `percent`: the work has no natural count (one SQL scan), so its total is 100. */
export type ProgressUnit = 'bytes' | 'items' | 'percent';

export interface ProgressEvent {
  task: number;
  phase: 'start' | 'advance' | 'end';
  label: string;
  unit: ProgressUnit;
  /** Unknown (a stream of unknown length) when absent. */
  total?: number;
  done: number;
}

export interface ProgressTask {
  advance(amount: number): void;
  end(): void;
}

const channel = diagnostics_channel.channel('threadline:progress');
const idle: ProgressTask = { advance: () => undefined, end: () => undefined };
let nextTask = 0;

export function startProgress(label: string, total: number | undefined, unit: ProgressUnit = 'bytes'): ProgressTask {
  if (!channel.hasSubscribers) return idle;
  const task = nextTask++;
  let done = 0;
  let ended = false;
  const publish = (phase: ProgressEvent['phase']) => channel.publish({ task, phase, label, unit, ...(total !== undefined && { total }), done } satisfies ProgressEvent);
  publish('start');
  return {
    advance(amount) {
      done += amount;
      publish('advance');
    },
    end() {
      if (ended) return;
      ended = true;
      publish('end');
    },
  };
}

/** Passes a byte stream through, counting it into `task`. */
export async function* countedBytes<T extends Uint8Array | string>(source: AsyncIterable<T>, task: ProgressTask): AsyncGenerator<T> {
  for await (const chunk of source) {
    task.advance(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength);
    yield chunk;
  }
}

/** True when something draws progress: worth computing a total that costs extra work. */
export function progressWatched(): boolean {
  return channel.hasSubscribers;
}

export function onProgress(listener: (event: ProgressEvent) => void): () => void {
  const handler = (message: unknown) => listener(message as ProgressEvent);
  channel.subscribe(handler);
  return () => channel.unsubscribe(handler);
}

/** A file as a byte stream counted into its own task (ended with the stream): an upload's progress. */
export async function* readWithProgress(filePath: string, label: string): AsyncGenerator<Buffer> {
  const task = startProgress(label, progressWatched() ? (await fs.promises.stat(filePath)).size : undefined);
  try {
    yield* countedBytes(fs.createReadStream(filePath) as AsyncIterable<Buffer>, task);
  } finally {
    task.end();
  }
}
