import { spawn } from 'node:child_process';
import { SecretMasker } from '../../capture/secret-mask.js';

export interface CheckResult {
  name: string;
  command: string;
  /** null when it was killed (timeout) or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  ok: boolean;
  durationMs: number;
  /** The last lines of stdout and stderr together, masked like `threadline run` logs: secret-named variables' values and URLs' credentials. */
  outputTail: string;
}

const tailChars = 2000;

/**
 * Runs one configured check through the shell in `cwd`, in its own process group so that a
 * timeout kills what it started too. Never rejects: a check that cannot start is a failed check.
 * `signal` (the observer stopping) kills it as well; the caller must not judge such a result.
 */
export function runCheck(check: { name: string; command: string }, cwd: string, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(check.command, { cwd, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 4 * tailChars) output = output.slice(-2 * tailChars);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    // Without this, stopping `threadline observe` would wait out a check's whole timeout (10m by default).
    signal?.addEventListener('abort', killGroup, { once: true });
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError = error));
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', killGroup);
      const exitCode = spawnError || timedOut ? null : code;
      // Mask before cutting the tail, so that a secret straddling the cut cannot leave a readable half.
      const masker = SecretMasker.fromEnv(process.env);
      const tail = spawnError ? masker.mask(spawnError.message) : masker.mask(output).slice(-tailChars) + (timedOut ? `\n[killed after ${timeoutMs} ms]` : '');
      resolve({ name: check.name, command: masker.mask(check.command), exitCode, timedOut, ok: exitCode === 0, durationMs: Date.now() - started, outputTail: tail });
    });
  });
}
