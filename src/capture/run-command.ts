import { spawn } from 'node:child_process';

export interface CommandResult {
  /** Exit code; null when the program could not be started or was killed (timeout). */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Set when the program was not found (ENOENT) or could not be spawned. */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

export interface CommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** An open file descriptor that receives stdout instead of memory (`stdout` is then empty). */
  stdoutFd?: number;
}

/**
 * Runs a program without a shell (arguments never go through shell parsing) and collects its
 * output as bytes. Unlike execFile there is no maxBuffer: a dirty patch can be large, and it
 * must arrive whole or not at all. Never rejects: callers decide what a failure means.
 */
export function runCommand(file: string, args: string[], options: CommandOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: null, stdout: Buffer.alloc(0), stderr: '', spawnError: error as NodeJS.ErrnoException, timedOut });
      return;
    }
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: spawnError ? null : code, stdout: Buffer.concat(stdout), stderr, spawnError, timedOut });
    });
  });
}
