import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/release/deploy/local-process.js';
import net from 'node:net';

const execFileAsync = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, listening on 127.0.0.1
 * only, stopped and removed afterwards. As root, the server runs as the `postgres` user.
 */
export interface PostgresServer {
  url: string;
  /**
   * `pg_ctl restart -m fast`, as an operator or a failover does: every connection is ended with
   * 57P01. With `downMs`, the server stays stopped that long before it starts again.
   */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function findPostgresBin(): string | undefined {
  const candidates = [process.env.PG_BIN];
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    for (const v of fs.readdirSync(base).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(base, v, 'bin'));
  }
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, 'initdb')));
}


export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries not found: apt-get install postgresql (or set PG_BIN)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  fs.chmodSync(dir, 0o700);
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'threadline', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const args = ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off'];
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', path.join(bin, 'postgres'), ...args], { stdio: 'ignore' })
    : spawn(path.join(bin, 'postgres'), args, { stdio: 'ignore' });
  await waitForPort(port, 30_000);
  // The server accepts connections a moment before it accepts logins; pg_isready says when.
  for (let i = 0; i < 100; i++) {
    try {
      run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // Asynchronous, so that clients in this process keep running while the server restarts.
  const pgCtl = (...rest: string[]) => {
    const args = [path.join(bin, 'pg_ctl'), '-D', data, '-w', '-t', '30', ...rest];
    return asRoot ? execFileAsync('runuser', ['-u', 'postgres', '--', ...args]) : execFileAsync(args[0]!, args.slice(1));
  };
  // After a restart the postmaster is pg_ctl's child, no longer `child`: stop goes through pg_ctl.
  let restarted = false;
  return {
    url: `postgres://threadline@127.0.0.1:${port}/postgres`,
    async restart(downMs = 0) {
      restarted = true;
      if (downMs === 0) {
        await pgCtl('-m', 'fast', '-l', path.join(dir, 'restart.log'), 'restart');
        return;
      }
      await pgCtl('-m', 'fast', 'stop');
      await new Promise((r) => setTimeout(r, downMs));
      await pgCtl('-l', path.join(dir, 'restart.log'), '-o', args.map((a) => `'${a}'`).join(' '), 'start');
    },
    async stop() {
      if (restarted) {
        await pgCtl('-m', 'fast', 'stop').catch(() => undefined); // already stopped
        fs.rmSync(dir, { recursive: true, force: true });
        return;
      }
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
      });
      // runuser does not pass SIGINT on, so ask pg_ctl for a fast shutdown; kill as a last resort.
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '20', 'stop']);
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
