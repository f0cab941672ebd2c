import { registerDescriber, type Describer, type Description } from '../lineage/describe.js';
import { registerLeafSource, type LeafSource } from '../lineage/leaves.js';
import { registerResolver, timeOrderedResolver, type Resolver } from '../lineage/resolve.js';

/** IN lists stay well under both dialects' parameter limits. */
const chunk = 1000;

/** `trace 0193c1f2-…` or `trace 8310db3a`: a prediction by its id or its short form. */
export const predictionResolver: Resolver = timeOrderedResolver({ type: 'prediction', table: 'predictions', kind: 'prediction id (UUID, or its short form: 6-8 of its last 8 hex)' });

export const describePredictions: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await ctx.db
      .selectFrom('predictions')
      .select(['id', 'deployment_id', 'time', 'status', 'latency_ms', 'model_name', 'model_version', 'run_id', 'git_sha', 'path'])
      .where('id', 'in', ids.slice(i, i + chunk))
      .execute();
    for (const p of rows) {
      const by = p.deployment_id ? `by deployment ${p.deployment_id}` : 'unlinked (no deployment)';
      const model = p.model_name ? `  ${p.model_name}/${p.model_version}` : '';
      out.set(p.id, {
        summary: `${p.id} served ${new Date(p.time).toISOString()} ${by}  ${p.path} → ${p.status} in ${p.latency_ms.toFixed(1)} ms${model}`,
        facts: { deploymentId: p.deployment_id, time: p.time, status: p.status, latencyMs: p.latency_ms, model: p.model_name, modelVersion: p.model_version, runId: p.run_id, gitSha: p.git_sha },
      });
    }
  }
  return out;
};

/** Predictions hang under deployments by their deployment_id column. */
export const predictionLeaves: LeafSource = {
  type: 'prediction',
  parentType: 'deployment',
  relation: 'served_by',
  async parentOf(db, id) {
    const row = await db.selectFrom('predictions').select('deployment_id').where('id', '=', id).executeTakeFirst();
    return row?.deployment_id ? { type: 'deployment', id: row.deployment_id } : undefined;
  },
  async countUnder(db, deploymentIds) {
    let count = 0;
    let first: number | null = null;
    let last: number | null = null;
    for (let i = 0; i < deploymentIds.length; i += chunk) {
      const row = await db
        .selectFrom('predictions')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('time').as('first'), eb.fn.max('time').as('last')])
        .where('deployment_id', 'in', deploymentIds.slice(i, i + chunk))
        .executeTakeFirstOrThrow();
      count += row.n;
      if (row.first !== null) first = first === null ? row.first : Math.min(first, row.first);
      if (row.last !== null) last = last === null ? row.last : Math.max(last, row.last);
    }
    return { count, first, last };
  },
};

/** Lets `trace` read prediction ids, describe them, walk up to their deployment and count them downstream. */
export function registerPredictionLineage(): void {
  registerResolver(predictionResolver);
  registerDescriber('prediction', describePredictions);
  registerLeafSource(predictionLeaves);
}
