import { registerDescriber, type Describer, type Description } from '../../lineage/describe.js';
import { registerResolver, type Resolver } from '../../lineage/resolve.js';
import { DeploymentStore } from './deployment-store.js';

/** `trace prod#14`: a deployment by its id. */
export const deploymentResolver: Resolver = {
  kind: 'deployment (ENV#N)',
  accepts: (id) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}#[1-9][0-9]*$/.test(id),
  async find(id, ctx) {
    const rows = await new DeploymentStore(ctx.db).getMany([id]);
    return rows.map((d) => ({ ref: { type: 'deployment' as const, id: d.id }, note: `deployment ${d.id}` }));
  },
};

export const describeDeployments: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (const d of await new DeploymentStore(ctx.db).getMany(ids)) {
    const model = `${d.model_name}/${d.model_version}`;
    const facts = { environment: d.environment, image: d.image_reference, model, runId: d.run_id, gitSha: d.git_sha, target: d.target, actor: d.actor, createdAt: d.created_at, status: d.status, replaced: d.replaced_id, reason: d.reason };
    out.set(d.id, { summary: `${d.id}  ${d.status}  ${d.reason}  ${model} on ${d.target}  by ${d.actor} at ${new Date(d.created_at).toISOString()}`, facts });
  }
  return out;
};

/** Lets `trace` read deployment ids and describe deployment nodes; idempotent. */
export function registerDeploymentLineage(): void {
  registerResolver(deploymentResolver);
  registerDescriber('deployment', describeDeployments);
}
