import { registerDescriber, type Describer, type Description } from '../lineage/describe.js';
import { registerLeafSource, type LeafSource } from '../lineage/leaves.js';
import { registerResolver, timeOrderedResolver, type Resolver } from '../lineage/resolve.js';
import { PredictionStore } from './prediction-store.js';

/** `trace 0193c1f2-…` or `trace 8310db3a`: a prediction by its id or its short form. */
export const predictionResolver: Resolver = timeOrderedResolver({ type: 'prediction', table: 'predictions', kind: 'prediction id (UUID, or its short form: 6-8 of its last 8 hex)' });

export const describePredictions: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (const p of await new PredictionStore(ctx.store).headlines(ids)) {
    const by = p.deployment_id ? `by deployment ${p.deployment_id}` : 'unlinked (no deployment)';
    const model = p.model_name ? `  ${p.model_name}/${p.model_version}` : '';
    out.set(p.id, {
      summary: `${p.id} served ${new Date(p.time).toISOString()} ${by}  ${p.path} → ${p.status} in ${p.latency_ms.toFixed(1)} ms${model}`,
      facts: { deploymentId: p.deployment_id, time: p.time, status: p.status, latencyMs: p.latency_ms, model: p.model_name, modelVersion: p.model_version, runId: p.run_id, gitSha: p.git_sha },
    });
  }
  return out;
};

/** Predictions hang under deployments by their deployment_id column. */
export const predictionLeaves: LeafSource = {
  type: 'prediction',
  parentType: 'deployment',
  relation: 'served_by',
  async parentOf(store, id) {
    const deploymentId = await new PredictionStore(store).deploymentOf(id);
    return deploymentId ? { type: 'deployment', id: deploymentId } : undefined;
  },
  countUnder: (store, deploymentIds) => new PredictionStore(store).countServedBy(deploymentIds),
};

/** Lets `trace` read prediction ids, describe them, walk up to their deployment and count them downstream. */
export function registerPredictionLineage(): void {
  registerResolver(predictionResolver);
  registerDescriber('prediction', describePredictions);
  registerLeafSource(predictionLeaves);
}
