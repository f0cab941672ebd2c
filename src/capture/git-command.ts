import { ThreadlineError } from '../errors.js';
import { runCommand, type CommandResult } from './run-command.js';

/**
 * Variables a git hook or wrapper may have set that would point git somewhere other than the
 * directory we ask about.
 */
const inheritedGitVars = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR'];

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of inheritedGitVars) delete env[name];
  return {
    ...env,
    // Read-only: no opportunistic index refresh, so the user's index file is never rewritten.
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

export function runGit(cwd: string, args: string[], extraEnv?: Record<string, string>, stdoutFd?: number): Promise<CommandResult> {
  return runCommand('git', args, { cwd, env: gitEnv(extraEnv), stdoutFd });
}

/** Runs git and returns trimmed stdout; any failure is unexpected here and says which command. */
export async function gitOutput(cwd: string, args: string[], extraEnv?: Record<string, string>): Promise<string> {
  const result = await runGit(cwd, args, extraEnv);
  if (result.code !== 0) throw gitFailure(args, result);
  return result.stdout.toString('utf8').trim();
}

export function gitFailure(args: string[], result: CommandResult): ThreadlineError {
  const why = result.spawnError?.message ?? (result.stderr.trim() || `exit code ${result.code}`);
  return new ThreadlineError('INTERNAL', `git ${args.join(' ')} failed: ${why}`, { args });
}
