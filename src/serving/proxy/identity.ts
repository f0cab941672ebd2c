import type { Store } from '../../store/database.js';
import { deploymentIdentity } from './identity-store.js';

/** What every response and logged prediction of a served model is stamped with. */
export interface ServingIdentity {
  deploymentId: string | null;
  modelName: string | null;
  modelVersion: number | null;
  runId: string | null;
  gitSha: string | null;
}

/**
 * The deployment's model, run and git sha from the `deployments` table when a deployment id
 * (`ENV#N`, `--deployment` or THREADLINE_DEPLOYMENT) is given, else from the environment
 * (THREADLINE_RUN_ID / run_id, GIT_SHA / git_sha, THREADLINE_MODEL as `name/version`).
 * Without any, predictions are still logged and given ids, unlinked.
 */
export async function resolveIdentity(store: Store | undefined, deploymentId: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ServingIdentity> {
  const id = deploymentId || env.THREADLINE_DEPLOYMENT || null;
  const model = parseModel(env.THREADLINE_MODEL);
  const fromEnv: ServingIdentity = {
    deploymentId: id,
    modelName: model.name,
    modelVersion: model.version,
    runId: env.THREADLINE_RUN_ID || env.run_id || null,
    gitSha: env.GIT_SHA || env.git_sha || null,
  };
  if (!id || !store) return fromEnv;
  try {
    const row = await deploymentIdentity(store, id);
    if (!row) return fromEnv;
    return {
      deploymentId: id,
      // Both are NOT NULL in the table.
      modelName: row.model_name,
      modelVersion: row.model_version,
      runId: row.run_id ?? fromEnv.runId,
      gitSha: row.git_sha ?? fromEnv.gitSha,
    };
  } catch {
    // No deployments table in this store (yet): the environment is all there is.
    return fromEnv;
  }
}

/** THREADLINE_MODEL as images and deploy targets set it: `name/version`, or a bare name. */
export function parseModel(value: string | undefined): { name: string | null; version: number | null } {
  if (!value) return { name: null, version: null };
  const match = /^(.+)\/(\d+)$/.exec(value);
  return match ? { name: match[1]!, version: Number(match[2]) } : { name: value, version: null };
}
