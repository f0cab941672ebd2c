import { redactUrlsIn } from './redact.js';
import { runCommand } from './run-command.js';

export interface ProbeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const versionTimeoutMs = 5_000;
const freezeTimeoutMs = 20_000;

/** First `x.y[.z…]` in a `--version` banner such as `Python 3.11.7` or `conda 24.1.2`. */
function versionIn(text: string): string | null {
  return /\d+\.\d+(?:\.\d+)*(?:[-+.]?[0-9A-Za-z]+)*/.exec(text)?.[0] ?? null;
}

async function probeVersion(program: string, options: ProbeOptions): Promise<string | null> {
  const result = await runCommand(program, ['--version'], { ...options, timeoutMs: versionTimeoutMs });
  if (result.code !== 0) return null;
  // Python 2 printed its version on stderr.
  return versionIn(`${result.stdout.toString('utf8')}\n${result.stderr}`);
}

export interface PythonProbe {
  /** The program that answered (`python3`, else `python`), used again for `pip freeze`. */
  program: string;
  version: string;
}

export async function probePython(options: ProbeOptions): Promise<PythonProbe | null> {
  for (const program of ['python3', 'python']) {
    const version = await probeVersion(program, options);
    if (version) return { program, version };
  }
  return null;
}

/** node always; uv and conda when they answer. Python is probed separately (pip needs it). */
export async function probeTools(options: ProbeOptions): Promise<Record<string, string>> {
  const [uv, conda] = await Promise.all([probeVersion('uv', options), probeVersion('conda', options)]);
  const runtimes: Record<string, string> = { node: process.versions.node };
  if (uv) runtimes.uv = uv;
  if (conda) runtimes.conda = conda;
  return runtimes;
}

/**
 * `pip freeze` lines, sorted; null when pip is missing, fails or times out. URLs in the lines
 * (`pkg @ https://token@host/…`, `-e git+https://…`) lose their credentials.
 */
export async function pipFreeze(python: string, options: ProbeOptions): Promise<string[] | null> {
  const env = { ...options.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  const result = await runCommand(python, ['-m', 'pip', 'freeze'], { cwd: options.cwd, env, timeoutMs: freezeTimeoutMs });
  if (result.code !== 0) return null;
  return result.stdout
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map(redactUrlsIn)
    .sort();
}
