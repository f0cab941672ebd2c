import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { SecretMasker } from '../../capture/secret-mask.js';
import { watchChildGroup } from './watchdog.js';

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when we forwarded SIGINT/SIGTERM to the child: the run was stopped, not failed. */
  interrupted: boolean;
  error?: Error;
}

export interface SuperviseOptions {
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutFile: string;
  stderrFile: string;
  /** Masks the copy of the output that is stored. */
  masker: SecretMasker;
}

/**
 * Runs the command with its output going both to our terminal (as is) and to log files (masked),
 * forwarding Ctrl-C and SIGTERM to it. The child's stdout is shown on our stderr: our stdout
 * carries only the run id, so that `id=$(threadline run -- …)` works.
 */
export async function supervise(options: SuperviseOptions): Promise<ChildOutcome> {
  const [file, ...args] = options.command;
  // In a process group (and session) of its own, so that all it starts can be signalled at once,
  // and watched: if we die, even by kill -9, the watchdog ends the group.
  const child = spawn(file!, args, { cwd: options.cwd, env: options.env, stdio: ['inherit', 'pipe', 'pipe'], detached: true });
  const watchdog = child.pid !== undefined ? watchChildGroup(child.pid) : undefined;
  let interrupted = false;
  const forward = (signal: NodeJS.Signals) => {
    interrupted = true;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
  };
  const onInt = () => forward('SIGINT');
  const onTerm = () => forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const logs = [
    tee(child.stdout!, process.stderr, options.stdoutFile, options.masker),
    tee(child.stderr!, process.stderr, options.stderrFile, options.masker),
  ];
  try {
    const outcome = await new Promise<ChildOutcome>((resolve) => {
      child.once('error', (error) => resolve({ exitCode: null, signal: null, interrupted, error }));
      child.once('close', (code, signal) => resolve({ exitCode: code, signal, interrupted }));
    });
    await Promise.all(logs);
    return outcome;
  } finally {
    watchdog?.release();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

async function tee(source: NodeJS.ReadableStream, terminal: NodeJS.WritableStream, file: string, masker: SecretMasker): Promise<void> {
  const masked = masker.stream();
  const out = fs.createWriteStream(file);
  masked.pipe(out);
  source.on('data', (chunk: Buffer) => {
    terminal.write(chunk);
    // Back-pressure: a child writing faster than we mask and store waits rather than filling memory.
    if (!masked.write(chunk)) {
      source.pause();
      masked.once('drain', () => source.resume());
    }
  });
  await new Promise<void>((resolve) => source.once('end', resolve));
  masked.end();
  await finished(out);
}
