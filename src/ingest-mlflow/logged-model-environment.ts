import type { ArtifactStore } from '../artifacts/types.js';
import type { Environment } from '../capture/types.js';
import type { RunService } from '../tracking/run-service.js';
import { environmentFromModelFiles, isDeclaredEnvironment, modelEnvironmentFileNames, type ModelEnvironmentFiles } from './model-environment.js';

/** What is read of a logged model (the registry's LoggedModel; ingest sits below the registry). */
export interface LoggedModelFiles {
  modelId: string;
  sourceRunId: string | null;
  environmentDigest: string | null;
  files: readonly { path: string; digest: string }[];
}

export interface LoggedModelEnvironmentContext {
  artifacts: ArtifactStore;
  runs: RunService;
  loggedModels: { recordEnvironment(modelId: string, environment: Environment): Promise<void> };
}

/**
 * An MLflow 3 logged model finalized READY: the environment its MLmodel, requirements.txt,
 * conda.yaml and python_env.yaml declare becomes the model's environment, and its source run's
 * too when that run has none captured on a machine (as a 2.x model folder gives its run one).
 * Returns the environment's digest, or null when the model has no environment files.
 */
export async function recordLoggedModelEnvironment(ctx: LoggedModelEnvironmentContext, model: LoggedModelFiles): Promise<string | null> {
  const files: ModelEnvironmentFiles = {};
  for (const [key, name] of Object.entries(modelEnvironmentFileNames) as [keyof ModelEnvironmentFiles, string][]) {
    const file = model.files.find((f) => f.path === name);
    if (file) files[key] = await ctx.artifacts.readBytes(file.digest);
  }
  const environment = environmentFromModelFiles(files);
  if (!environment) return null;
  if (environment.digest !== model.environmentDigest) await ctx.loggedModels.recordEnvironment(model.modelId, environment);
  if (model.sourceRunId) {
    const run = await ctx.runs.info(model.sourceRunId);
    const captured = run.environmentDigest ? await ctx.runs.get(run.runId).then((r) => r.environment) : null;
    if (run.environmentDigest !== environment.digest && (!captured || isDeclaredEnvironment(captured))) await ctx.runs.recordEnvironment(run.runId, environment);
  }
  return environment.digest;
}
