import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { runGit } from '../../capture/git-command.js';
import { loadConfig } from '../../config.js';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import { loadProjectFile } from '../../observe/project-file.js';
import { printJson, printLine, progress } from '../output.js';

const hookNames = ['post-commit', 'pre-push'] as const;
/** In every hook we write: how uninstall (and a re-install) knows a hook is ours. */
const marker = '# threadline-hook:';
/** Where a hook that was there before ours is kept, and run first. */
const previousSuffix = '.pre-threadline';

export interface HookChange {
  hook: string;
  path: string;
  action: 'installed' | 'updated' | 'removed' | 'restored' | 'absent' | 'not-ours';
  /** The user's own hook, run before ours. */
  chained: string | null;
}

export function registerHooks(program: Command): void {
  const hooks = program.command('hooks').description('git hooks that record each commit (post-commit) and push (pre-push) with `observe code --once`');

  hooks
    .command('install')
    .description('add post-commit and pre-push hooks (an existing hook is kept and run first); they never block git')
    .option('--repo <dir>', 'the repository', '.')
    .option('--json', 'JSON output')
    .action(async (opts: { repo: string; json?: boolean }) => {
      const dir = await hooksDir(opts.repo);
      const changes = hookNames.map((hook) => installHook(dir.hooks, hook, hookScript(hook)));
      if (!hasCodeObserver(dir.top)) progress(`${loadConfig(process.env, dir.top).projectFile} has no observe.code entry: add "observe:\\n  code: {}" or each commit will only warn`);
      report(changes, opts.json);
    });

  hooks
    .command('uninstall')
    .description('remove the hooks `hooks install` added and put back the ones they chained')
    .option('--repo <dir>', 'the repository', '.')
    .option('--json', 'JSON output')
    .action(async (opts: { repo: string; json?: boolean }) => {
      const dir = await hooksDir(opts.repo);
      report(hookNames.map((hook) => uninstallHook(dir.hooks, hook)), opts.json);
    });
}

function report(changes: HookChange[], json?: boolean): void {
  if (json) return printJson(changes);
  for (const c of changes) printLine(`${c.hook}: ${c.action} ${c.path}${c.chained ? ` (runs ${c.chained} first)` : ''}`);
}

/** The hooks folder git uses for this repository: core.hooksPath when set (relative to the top of the work tree), else .git/hooks. */
async function hooksDir(repo: string): Promise<{ top: string; hooks: string }> {
  const cwd = path.resolve(repo);
  if (!fs.existsSync(cwd)) throw invalidArgument(`${cwd} does not exist`);
  const top = await runGit(cwd, ['rev-parse', '--show-toplevel']);
  if (top.spawnError?.code === 'ENOENT') throw failedPrecondition('git is not installed');
  if (top.code !== 0) throw invalidArgument(`${cwd} is not inside a git work tree`);
  const root = top.stdout.toString('utf8').trim();
  const configured = await runGit(root, ['config', '--get', 'core.hooksPath']);
  const hooksPath = configured.code === 0 ? configured.stdout.toString('utf8').trim() : '';
  if (hooksPath) return { top: root, hooks: path.resolve(root, hooksPath.replace(/^~(?=\/)/, process.env.HOME ?? '~')) };
  const gitPath = await runGit(root, ['rev-parse', '--git-path', 'hooks']);
  return { top: root, hooks: path.resolve(root, gitPath.stdout.toString('utf8').trim()) };
}

function isOurs(file: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

function installHook(dir: string, hook: string, script: string): HookChange {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, hook);
  const previous = file + previousSuffix;
  const chained = () => (fs.existsSync(previous) ? previous : null);
  if (fs.existsSync(file) && isOurs(file)) {
    fs.writeFileSync(file, script, { mode: 0o755 });
    fs.chmodSync(file, 0o755);
    return { hook, path: file, action: 'updated', chained: chained() };
  }
  if (fs.existsSync(file)) {
    if (fs.existsSync(previous)) throw failedPrecondition(`${file} exists and so does ${previous}: move one of them away, then install again (threadline keeps your hook and runs it first)`);
    fs.renameSync(file, previous);
  }
  fs.writeFileSync(file, script, { mode: 0o755 });
  fs.chmodSync(file, 0o755);
  return { hook, path: file, action: 'installed', chained: chained() };
}

function uninstallHook(dir: string, hook: string): HookChange {
  const file = path.join(dir, hook);
  const previous = file + previousSuffix;
  if (!fs.existsSync(file)) return { hook, path: file, action: 'absent', chained: null };
  if (!isOurs(file)) return { hook, path: file, action: 'not-ours', chained: null };
  fs.rmSync(file);
  if (fs.existsSync(previous)) {
    fs.renameSync(previous, file);
    return { hook, path: file, action: 'restored', chained: null };
  }
  return { hook, path: file, action: 'removed', chained: null };
}

/**
 * The hook: the user's previous hook first (its exit status is the hook's, so a failing pre-push
 * check still stops the push), then this very threadline (node, its loader flags, its entry
 * script, by absolute path) with `observe code --once`. Threadline's own failure only warns.
 */
export function hookScript(hook: string, argv: string[] = [process.execPath, ...process.execArgv, path.resolve(process.argv[1]!)]): string {
  const command = [...argv, 'observe', 'code', '--once'].map(shellQuote).join(' ');
  return [
    '#!/bin/sh',
    `${marker} ${hook}. Added by \`threadline hooks install\`; \`threadline hooks uninstall\` removes it.`,
    '# Records the commit with `threadline observe code --once`; a Threadline failure never blocks git.',
    'status=0',
    `previous="$(dirname "$0")/${hook}${previousSuffix}"`,
    'if [ -x "$previous" ]; then',
    '  "$previous" "$@" || status=$?',
    'fi',
    `${command} </dev/null >&2 || echo "threadline: warning: could not record this ${hook === 'pre-push' ? 'push' : 'commit'} (exit $?); git goes on" >&2`,
    'exit $status',
    '',
  ].join('\n');
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function hasCodeObserver(top: string): boolean {
  try {
    return loadProjectFile(loadConfig(process.env, top).projectFile).observers.some((o) => o.stage === 'code');
  } catch {
    return false;
  }
}
