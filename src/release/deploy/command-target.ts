import { spawn } from 'node:child_process';
import { redactUrlsIn } from '../../capture/redact.js';
import { invalidArgument } from '../../errors.js';
import type { TargetOutcome, TargetRequest } from './target.js';

/** The environment a user's deploy script sees: everything the deployment links. */
export function commandEnv(request: TargetRequest): Record<string, string> {
  const { subject } = request;
  const image = subject.imageReference ?? '';
  return {
    THREADLINE_DEPLOYMENT: request.deploymentId,
    THREADLINE_ENV: request.environment,
    THREADLINE_IMAGE: image,
    THREADLINE_IMAGE_DIGEST: image.includes('@') ? image.slice(image.lastIndexOf('@') + 1) : '',
    THREADLINE_MODEL: `${subject.modelName}/${subject.modelVersion}`,
    THREADLINE_MODEL_NAME: subject.modelName,
    THREADLINE_MODEL_VERSION: String(subject.modelVersion),
    THREADLINE_RUN_ID: subject.runId ?? '',
    GIT_SHA: subject.gitSha ?? '',
    THREADLINE_REASON: request.reason,
  };
}

/** Runs the user's script through the shell; its output goes to stderr (stdout carries the id). */
export async function deployCommand(request: TargetRequest): Promise<TargetOutcome> {
  const command = request.options.command;
  if (!command) throw invalidArgument("the command target needs --command \"…\" (run through the shell)");
  const env = { ...(request.options.env ?? process.env), ...commandEnv(request) };
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(command, { shell: true, env, stdio: ['ignore', 2, 2] });
    child.once('error', () => resolve(127));
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  // Stored for rollback to reuse; URLs lose their credentials, as everywhere else.
  const details = { command: redactUrlsIn(command), exitCode };
  if (exitCode === 0) return { ok: true, details };
  return { ok: false, exitCode, details: { ...details, error: `deploy command exited with ${exitCode}` } };
}
