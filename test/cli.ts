import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * THREADLINE_TEST_DIST=1 (scripts/test.sh, after the build) runs the compiled CLI: each spawn then
 * skips tsx's start-up, about half of a CLI call. Otherwise the CLI runs from src/ through tsx, so
 * a developer editing src/ tests what they edit. test/global-setup.ts refuses a stale dist/.
 */
export const testsUseDist = process.env.THREADLINE_TEST_DIST === '1';

/** node's arguments that start the CLI, before the CLI's own arguments. */
export function cliNodeArgs(): string[] {
  if (testsUseDist) return [path.join(repoRoot, 'dist/cli/main.js')];
  // tsx by absolute URL: the CLI runs in other folders, where `--import tsx` would not resolve.
  const tsxLoader = pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
  return ['--import', tsxLoader, path.join(repoRoot, 'src/cli/main.ts')];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (see cliNodeArgs) as a separate process; `input`, when given, is its stdin (a piped password). */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; onSpawn?: (pid: number) => void; onStderr?: (soFar: string) => void }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const stdin: 'ignore' | 'pipe' = options.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(process.execPath, [...cliNodeArgs(), ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: [stdin, 'pipe', 'pipe'] });
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d;
      options.onStderr?.(stderr);
    });
    child.once('error', reject);
    child.once('spawn', () => options.onSpawn?.(child.pid!));
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A real git repo in a temp dir with one commit of `files`. */
export function makeGitRepo(files: Record<string, string>, remote?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-repo-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  if (remote) git(dir, 'remote', 'add', 'origin', remote);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'first');
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

export function sha256sum(file: string): string {
  return 'sha256:' + execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

/** Every file under `dir`, recursively, read as bytes: for "this secret appears nowhere" checks. */
export function allBytesUnder(dir: string): Buffer {
  const chunks: Buffer[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) chunks.push(fs.readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(chunks);
}

/** Every row of every table of a PostgreSQL database: for "this secret appears nowhere" checks. */
export async function dumpDatabase(url: string): Promise<unknown[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query("select tablename from pg_tables where schemaname = 'public'");
    const out: unknown[] = [];
    for (const { tablename } of tables.rows) out.push((await client.query(`select * from "${tablename}"`)).rows);
    return out;
  } finally {
    await client.end();
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether the process still runs: a deployed server's pid after `deployments stop`, say. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
