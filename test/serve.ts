import { spawn, type ChildProcess } from 'node:child_process';
import { cliNodeArgs, runCli, type CliResult } from './cli.js';

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

/** `threadline server --port 0` as its own process on loopback; resolves once it says where. */
export async function startServerProcess(env: NodeJS.ProcessEnv, cwd: string): Promise<{ url: string; stop: () => Promise<CliResult> }> {
  let pid = 0;
  let exited: CliResult | undefined;
  let onUrl: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => (onUrl = resolve));
  const done = runCli(['server', '--host', '127.0.0.1', '--port', '0'], {
    cwd,
    env,
    onSpawn: (p) => (pid = p),
    onStderr: (soFar) => {
      const match = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(soFar);
      if (match) onUrl(match[1]!);
    },
  }).then((result) => (exited = result));
  const started = await Promise.race([url, done.then((r) => Promise.reject(new Error(`threadline server exited: ${r.stderr}`)))]);
  return {
    url: started,
    async stop() {
      if (!exited) process.kill(pid, 'SIGTERM');
      return done;
    },
  };
}
