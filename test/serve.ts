import { spawn, type ChildProcess } from 'node:child_process';
import { cliNodeArgs } from './cli.js';

export interface LongRunning {
  child: ChildProcess;
  /** The URL the command printed on stdout. */
  url: string;
  stderr: () => string;
  /** SIGTERM (or the signal given) and the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running CLI command (serve, proxy) and waits for the URL it prints. */
export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<LongRunning> {
  const child = spawn(process.execPath, [...cliNodeArgs(), ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      const url = /^(http:\/\/\S+)\n/m.exec(stdout)?.[1];
      if (url) resolve({ child, url, stderr: () => stderr, stop: (signal = 'SIGTERM') => (child.kill(signal), exited) });
    });
    void exited.then((code) => reject(new Error(`${args[0]} exited ${code} before printing its URL: ${stderr}`)));
  });
}
