import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliNodeArgs, runCli, type CliResult } from './cli.js';

/** The CLI behaving like a Unix tool: closed pipes, bad URLs, busy ports, missing services. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-unix-'));
const base = { THREADLINE_HOME: path.join(dir, 'home'), THREADLINE_URL: '', THREADLINE_DB_URL: '', THREADLINE_ARTIFACTS: '' };
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: { ...base, ...env } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `threadline … | head -0`: the reader is gone before the first write. */
function withClosedStdout(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliNodeArgs(), ...args], { cwd: dir, env: { ...process.env, ...base }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}

async function busyPort(): Promise<{ port: number; close: () => void }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/** One line, `threadline: … (CODE)`, nothing else on stderr. */
function oneLine(result: CliResult): string {
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr.trim();
}

describe('the CLI as a Unix tool', () => {
  it('ends quietly with 141 (as git and ls report) when its stdout is closed', { timeout: 120_000 }, async () => {
    const listed = await withClosedStdout(['runs', 'list']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(141);
  });

  it('refuses a database URL of an unknown scheme, naming the supported ones, and creates nothing', { timeout: 60_000 }, async () => {
    const result = await cli(['runs', 'list'], { THREADLINE_DB_URL: 'mysql://x/y' });
    expect(result.code).toBe(2);
    expect(oneLine(result)).toMatch(/mysql:.*file:.*postgres:\/\/.*postgresql:\/\/.*\(INVALID_ARGUMENT\)/);
    expect(fs.existsSync(path.join(dir, 'mysql:'))).toBe(false);
    // file: names a SQLite file.
    const file = path.join(dir, 'by-url.db');
    expect((await cli(['runs', 'list', '--json'], { THREADLINE_DB_URL: `file:${file}` })).stdout).toBe('[]\n');
    expect(fs.existsSync(file)).toBe(true);
  });

  it('says PostgreSQL is unreachable in one line, without the password', { timeout: 60_000 }, async () => {
    const { port, close } = await busyPort();
    close(); // a port nothing listens on
    const result = await cli(['runs', 'list'], { THREADLINE_DB_URL: `postgres://alice:s3cret@127.0.0.1:${port}/threadline` });
    expect(result.code).toBe(69);
    expect(oneLine(result)).toBe(`threadline: cannot reach PostgreSQL at 127.0.0.1:${port}/threadline: ECONNREFUSED (UNAVAILABLE)`);
  });

  it('says a port is in use in one line, for the server and the proxy', { timeout: 60_000 }, async () => {
    const { port, close } = await busyPort();
    try {
      for (const args of [['server'], ['proxy', '--upstream', 'http://127.0.0.1:9']]) {
        const result = await cli([...args, '--host', '127.0.0.1', '--port', String(port)]);
        expect(result.code).toBe(69);
        expect(oneLine(result)).toBe(`threadline: port ${port} is already in use on 127.0.0.1: stop what listens there or choose another --port (UNAVAILABLE)`);
      }
    } finally {
      close();
    }
  });

  it('says S3 has no credentials in one line, without the SDK Node-version warning', { timeout: 60_000 }, async () => {
    const result = await cli(['run', '--', 'true'], {
      THREADLINE_ARTIFACTS: 's3://bucket/prefix',
      THREADLINE_S3_ENDPOINT: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
    });
    expect(result.code).toBe(69);
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    expect(result.stderr).toContain('threadline: no AWS credentials for s3://bucket/prefix: set AWS_ACCESS_KEY_ID');
    expect(result.stderr.split('\n').filter((l) => !l.startsWith('threadline: '))).toEqual(['']);
  });

  it('prints the start line of `server` and `proxy` as one JSON line with --json', { timeout: 120_000 }, async () => {
    for (const args of [['server'], ['proxy', '--upstream', 'http://127.0.0.1:9']]) {
      const line = await firstLine([...args, '--host', '127.0.0.1', '--port', '0', '--json']);
      const start = JSON.parse(line) as { url: string; port: number };
      expect(start.port).toBeGreaterThan(0);
      expect(start.url).toBe(`http://127.0.0.1:${start.port}`);
    }
  });
});

/** Starts a long-running command, returns its first stdout line and stops it. */
function firstLine(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliNodeArgs(), ...args], { cwd: dir, env: { ...process.env, ...base }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (!stdout.includes('\n')) return;
      child.kill('SIGTERM');
      resolve(stdout.split('\n')[0]!);
    });
    child.once('error', reject);
    child.once('close', (code) => (stdout.includes('\n') ? undefined : reject(new Error(`exited ${code} before a line: ${stderr}`))));
  });
}
