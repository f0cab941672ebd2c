import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { captureEnvironment } from '../capture/environment.js';
import { invalidArgument, ThreadlineError } from '../errors.js';
import type { TrackingApi } from '../tracking/api.js';
import { paramKeysTag, reproducesTag } from '../tracking/run-tags.js';
import type { Run } from '../tracking/types.js';
import { checkoutCode } from './checkout-code.js';
import { compareRuns, isLogArtifact } from './compare-runs.js';
import { diffEnvironments } from './environment-diff.js';
import type { EnvironmentDifference, ReproduceReport } from './types.js';
import { stageInputs, verifyInputs } from './verify-inputs.js';

/** What a reproduction asks of `threadline run`. */
export interface LaunchRequest {
  experiment: string;
  name: string;
  inputs: string[];
  outputs: string[];
  params: Record<string, string>;
  tags: Record<string, string>;
  command: string[];
  cwd: string;
}

export interface ReproduceOptions {
  /** Allowed metric difference; see withinTolerance. */
  tolerance: number;
  allowDataDrift: boolean;
  /** Leave the recreated tree in place (its path is in the report). */
  keep: boolean;
  env: NodeJS.ProcessEnv;
  /** Runs the command as a recorded run (the CLI's launchRun, which also serves the API the command logs to). */
  launch: (request: LaunchRequest) => Promise<{ runId: string }>;
  progress: (message: string) => void;
}

/**
 * `threadline reproduce`: recreate the recorded code, check the recorded inputs, show how the
 * environment moved, re-run the command as a new run that `reproduces` the original, and compare.
 */
/** What reproducing reads of the record: the run, its patch and inputs, the experiments. */
export type ReproduceApi = Pick<TrackingApi, 'getRun' | 'readBlob' | 'getDataVersion' | 'listExperiments'>;

export async function reproduceRun(api: ReproduceApi, runIdOrPrefix: string, options: ReproduceOptions): Promise<ReproduceReport> {
  if (!(options.tolerance >= 0)) throw invalidArgument(`--tolerance must be a number ≥ 0, got ${options.tolerance}`);
  const { progress } = options;
  const original = await api.getRun(runIdOrPrefix);
  const { command, workingDir } = requireRecipe(original);
  const code = original.code!;
  const relativeDir = path.relative(code.repoRoot, workingDir);
  if (relativeDir.startsWith('..') || path.isAbsolute(relativeDir)) {
    throw precondition(`run ${original.info.runId} ran in ${workingDir}, outside its repository ${code.repoRoot}`);
  }

  const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-reproduce-'));
  let checkout;
  try {
    checkout = await checkoutCode(code, { tmpDir, readPatch: (digest) => api.readBlob(digest), progress });
  } catch (error) {
    await fs.rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
  const cwd = path.join(checkout.root, relativeDir);
  try {
    const inputs = await verifyInputs(api, original, { originalCwd: workingDir, worktreeCwd: cwd, allowDrift: options.allowDataDrift });
    for (const input of inputs) {
      progress(`input ${input.name}: ${input.drift.length === 0 ? `matches ${input.recordedDigest.slice(0, 19)}…` : `${input.drift.length} file(s) differ (--allow-data-drift)`}`);
    }
    await stageInputs(inputs, cwd, checkout.root);

    const environment = await environmentDifferences(original, cwd, options.env);
    for (const d of environment) progress(`environment: ${d.field}: ${d.recorded ?? '(none)'} → ${d.current ?? '(none)'}`);
    if (original.environment && environment.length === 0) progress('environment: same runtimes, lockfiles, packages and OS');

    const launched = await options.launch({
      experiment: await experimentName(api, original),
      name: `reproduce of ${original.info.name}`,
      inputs: inputs.map((input) => input.name),
      outputs: outputsOf(original),
      params: commandLineParams(original),
      tags: { [reproducesTag]: original.info.runId },
      command,
      cwd,
    });
    const reproduced = await api.getRun(launched.runId);
    return {
      originalRunId: original.info.runId,
      reproductionRunId: launched.runId,
      code: { root: checkout.root, source: checkout.source, commitSha: checkout.commitSha, patched: checkout.patched, workingDir: cwd, kept: options.keep },
      inputs: inputs.map(({ sourceCwd: _, ...check }) => check),
      environment,
      comparison: compareRuns(original, reproduced, options.tolerance),
    };
  } finally {
    if (options.keep) progress(`kept the recreated tree at ${checkout.root}${checkout.source === 'worktree' ? ` (git worktree remove --force ${checkout.root} when done)` : ''}`);
    else {
      await checkout.remove();
      await fs.rm(tmpDir, { recursive: true, force: true });
    }
  }
}

function requireRecipe(run: Run): { command: string[]; workingDir: string } {
  const id = run.info.runId;
  if (!run.info.command || run.info.command.length === 0) throw precondition(`run ${id} has no recorded command: only runs started with 'threadline run' can be reproduced`);
  if (!run.code) throw precondition(`run ${id} has no recorded code version (it did not run in a git repository with a commit)`);
  if (!run.info.workingDir) throw precondition(`run ${id} has no recorded working directory`);
  return { command: run.info.command, workingDir: run.info.workingDir };
}

async function environmentDifferences(original: Run, cwd: string, env: NodeJS.ProcessEnv): Promise<EnvironmentDifference[]> {
  if (!original.environment) return [];
  return diffEnvironments(original.environment, await captureEnvironment({ cwd, env }));
}

async function experimentName(api: ReproduceApi, run: Run): Promise<string> {
  const experiments = await api.listExperiments('all');
  return experiments.find((e) => e.experimentId === run.info.experimentId)?.name ?? 'Default';
}

/** The top-level paths of the original's artifacts (but logs/): what to declare as --output. */
function outputsOf(run: Run): string[] {
  return [...new Set(run.artifacts.filter((a) => !isLogArtifact(a.path)).map((a) => a.path.split('/')[0]!))].sort();
}

/**
 * The params given with --param, as `threadline run` listed them in a tag. Params the command
 * logged itself are left to the command: passing them again would clash if they changed.
 */
function commandLineParams(run: Run): Record<string, string> {
  let keys: unknown = [];
  try {
    keys = JSON.parse(run.tags[paramKeysTag] ?? '[]');
  } catch {
    // a hand-edited tag: pass no params rather than guess
  }
  if (!Array.isArray(keys)) return {};
  return Object.fromEntries(keys.filter((key): key is string => typeof key === 'string' && key in run.params).map((key) => [key, run.params[key]!]));
}

const precondition = (message: string) => new ThreadlineError('FAILED_PRECONDITION', message);
