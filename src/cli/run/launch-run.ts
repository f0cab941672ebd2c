import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureData } from '../../capture/data.js';
import { captureEnvironment } from '../../capture/environment.js';
import { captureExternalIds, externalIdTags } from '../../capture/external-ids.js';
import { inspectCode } from '../../capture/git.js';
import type { CodeVersion, DataVersion } from '../../capture/types.js';
import { invalidArgument } from '../../errors.js';
import { openLineageEmitter } from '../../openlineage/emit.js';
import type { ThreadlineApi } from '../../contract.js';
import { heartbeatIntervalMs } from '../../tracking/run-reaper.js';
import { paramKeysTag } from '../../tracking/run-tags.js';
import type { RunStatus } from '../../tracking/types.js';
import { maskCommand } from '../../capture/mask-command.js';
import { SecretMasker } from '../../capture/secret-mask.js';
import type { PatchLimits } from '../../capture/patch-limits.js';
import type { OmittedFile } from '../../capture/types.js';
import { formatBytes } from '../../lineage/short.js';
import { refuseOutsideLink, refuseOutsideLinks } from './declared-paths.js';
import { supervise } from './supervise.js';

export interface LaunchOptions {
  experiment?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  params: Record<string, string>;
  /** Extra tags set when the run is created (e.g. `threadline.reproduces`). */
  tags?: Record<string, string>;
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The API the child should log to (THREADLINE_URL / MLFLOW_TRACKING_URI), when there is one. */
  childApiUrl?: string;
  progress: (message: string) => void;
  /** Threadline's own files (home, database, artifacts): never part of the code version. */
  own?: readonly string[];
  /** Caps on untracked files stored in the dirty patch. */
  patchLimits?: PatchLimits;
}

export interface LaunchResult {
  runId: string;
  status: RunStatus;
  exitCode: number;
  durationMs: number;
  code: CodeVersion | null;
  inputs: DataVersion[];
}

/**
 * `threadline run`: capture what the command runs on, run it as a recorded run, store its output
 * and declared outputs, and finish the run with the command's outcome.
 */
export async function launchRun(api: ThreadlineApi, options: LaunchOptions): Promise<LaunchResult> {
  if (options.command.length === 0) throw invalidArgument('give the command to run after --, e.g. threadline run -- python train.py');
  const { progress, cwd, env } = options;
  const masker = SecretMasker.fromEnv(env);
  const beatEveryMs = heartbeatIntervalMs(env);
  const command = maskCommand(options.command, masker);

  // Capturing is part of the run: its start time is taken before, not after.
  const started = Date.now();
  // Everything that can fail on bad input is checked before the run exists.
  progress('capturing code, environment and inputs');
  const boundary = await refuseOutsideLinks(cwd, options.inputs, options.outputs);
  const [codeCapture, environment, inputs] = await Promise.all([
    inspectCode(cwd, {
      storePatch: async (patch) => (await api.putBlob(patch)).digest,
      own: options.own,
      data: [...options.inputs, ...options.outputs],
      limits: options.patchLimits,
    }),
    captureEnvironment({ cwd, env }),
    Promise.all(options.inputs.map((input) => captureData(input, { cwd }))),
  ]);
  const code = codeCapture.code;
  if (!code) progress(`no code version recorded: ${codeCapture.reason}`);
  const leftOut = describeOmitted(code?.omitted ?? []);
  if (leftOut) progress(leftOut);
  const externalIds = captureExternalIds(env, options.command);

  const run = await api.createRun({
    experimentName: options.experiment ?? 'Default',
    name: options.name,
    startTime: started,
    command,
    workingDir: cwd,
    heartbeat: true,
    tags: {
      ...externalIdTags(externalIds),
      ...(code && mlflowSourceTags(code)),
      'mlflow.source.name': command.join(' ').slice(0, 500),
      'mlflow.source.type': 'LOCAL',
      // Which params came from --param (the command may log more): what `reproduce` passes again.
      ...(Object.keys(options.params).length > 0 && { [paramKeysTag]: JSON.stringify(Object.keys(options.params)) }),
      ...options.tags,
    },
  });
  const runId = run.runId;
  progress(`run ${runId} started in experiment '${options.experiment ?? 'Default'}'`);

  if (code) await api.recordCode(runId, code);
  await api.recordEnvironment(runId, environment);
  for (const [i, data] of inputs.entries()) {
    await api.recordData(runId, 'input', options.inputs[i]!, data);
    progress(`input ${options.inputs[i]}: ${data.digest.slice(0, 19)}… ${data.files.length} file(s), ${data.totalSize} bytes${data.rowCount !== null ? `, ${data.rowCount} rows` : ''}`);
  }
  const params = Object.entries(options.params).map(([key, value]) => ({ key, value }));
  if (params.length > 0) await api.logBatch(runId, { params });
  // OpenLineage consumers (Marquez…) see the run too when THREADLINE_OPENLINEAGE_URL is set.
  const lineage = openLineageEmitter(env, progress);
  await lineage.started(runId, options.experiment ?? 'Default', code, options.inputs, inputs);

  // Heartbeats: if this process dies (kill -9, the machine), the server's reaper ends the run.
  const beat = setInterval(() => void api.heartbeatRun(runId).catch(() => undefined), beatEveryMs);
  beat.unref();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-run-'));
  let status: RunStatus = 'FAILED';
  let exitCode = 1;
  try {
    const outcome = await supervise({
      command: options.command,
      cwd,
      env: childEnv(env, runId, code, options.childApiUrl),
      stdoutFile: path.join(logDir, 'stdout.log'),
      stderrFile: path.join(logDir, 'stderr.log'),
      masker,
    });
    if (outcome.error) progress(`could not start ${options.command[0]}: ${outcome.error.message}`);
    exitCode = outcome.exitCode ?? (outcome.signal ? 128 + (os.constants.signals[outcome.signal] ?? 0) : 127);
    status = outcome.interrupted ? 'KILLED' : exitCode === 0 ? 'FINISHED' : 'FAILED';

    for (const stream of ['stdout', 'stderr']) {
      await api.uploadArtifact(runId, `logs/${stream}.log`, path.join(logDir, `${stream}.log`), 'text/plain');
    }
    for (const output of options.outputs) await uploadOutput(api, runId, cwd, output, boundary, progress);
  } finally {
    clearInterval(beat);
    const endTime = Date.now();
    await api.updateRun(runId, { status, endTime, exitCode });
    await lineage.ended(api, status, exitCode);
    fs.rmSync(logDir, { recursive: true, force: true });
    progress(`run ${runId} ${status.toLowerCase()} (exit ${exitCode}) in ${((endTime - started) / 1000).toFixed(1)} s`);
  }
  return { runId, status, exitCode, durationMs: Date.now() - started, code, inputs };
}

/** What the child sees: its own env plus where to log, so its SDK or MLflow client joins this run. */
function childEnv(env: NodeJS.ProcessEnv, runId: string, code: CodeVersion | null, apiUrl?: string): NodeJS.ProcessEnv {
  return {
    ...env,
    THREADLINE_RUN_ID: runId,
    MLFLOW_RUN_ID: runId,
    ...(apiUrl && { THREADLINE_URL: apiUrl, MLFLOW_TRACKING_URI: apiUrl }),
    // The seed's convention: training code reads the commit from GIT_SHA.
    ...(code && !env.GIT_SHA && { GIT_SHA: code.commitSha }),
  };
}

function mlflowSourceTags(code: CodeVersion): Record<string, string> {
  return {
    'mlflow.source.git.commit': code.commitSha,
    ...(code.branch && { 'mlflow.source.git.branch': code.branch }),
    ...(code.remoteUrl && { 'mlflow.source.git.repoURL': code.remoteUrl }),
    'threadline.git.dirty': String(code.dirty),
  };
}

/** Uploads a declared output file, or every file of a declared folder, under its relative path. */
async function uploadOutput(api: ThreadlineApi, runId: string, cwd: string, output: string, boundary: string, progress: (m: string) => void): Promise<void> {
  const absolute = path.resolve(cwd, output);
  try {
    // The command may have made the output a link since the check at the start.
    refuseOutsideLink(boundary, cwd, output, '--output');
  } catch (error) {
    progress(`not uploaded: ${(error as Error).message}`);
    return;
  }
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (!stat) {
    progress(`declared output ${output} was not written by the command`);
    return;
  }
  const relative = path.relative(cwd, absolute);
  const base = relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(absolute) : relative;
  const files = stat.isDirectory()
    ? (fs.readdirSync(absolute, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((d) => d.isFile())
        .map((d) => path.join(d.parentPath, d.name))
    : [absolute];
  for (const file of files.sort()) {
    const artifactPath = stat.isDirectory() ? path.posix.join(base.split(path.sep).join('/'), path.relative(absolute, file).split(path.sep).join('/')) : base.split(path.sep).join('/');
    const artifact = await api.uploadArtifact(runId, artifactPath, file);
    progress(`output ${artifactPath}: ${artifact.digest.slice(0, 19)}… ${artifact.size} bytes`);
  }
}

/** The one warning about changed files left out of the patch, or null when there are none. */
function describeOmitted(omitted: readonly OmittedFile[]): string | null {
  if (omitted.length === 0) return null;
  const large = omitted.filter((f) => f.reason === 'too-large').map((f) => `${f.path} (${formatBytes(f.size ?? 0)})`);
  const secret = omitted.filter((f) => f.reason === 'secret').map((f) => f.path);
  const parts = [
    ...(large.length > 0 ? [`over the size cap (listed with size and sha256 only): ${large.join(', ')}`] : []),
    ...(secret.length > 0 ? [`credential files (listed by path only): ${secret.join(', ')}`] : []),
  ];
  return `warning: not stored in the code patch: ${parts.join('; ')} (declare data with --input/--output, add it to .gitignore, or raise the cap: see docs/capture.md)`;
}
