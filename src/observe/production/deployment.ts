import { failedPrecondition, invalidArgument } from '../../errors.js';
import { DeploymentStore } from '../../release/deploy/deployment-store.js';
import type { Store } from '../../store/database.js';

/** `ENV#N` exactly, or `ENV`: what the environment runs now (a rollback is a newer deployment, so it is followed). */
export async function resolveDeployment(store: Store, spec: string) {
  const deployments = new DeploymentStore(store.db);
  const exact = /^(.+)#(\d+)$/.exec(spec);
  if (exact) {
    const row = await deployments.get(exact[1]!, Number(exact[2]));
    if (!row) throw invalidArgument(`deployment ${spec} is not recorded`);
    return row;
  }
  const row = (await deployments.current(spec)) ?? (await deployments.list(spec))[0];
  if (!row) throw failedPrecondition(`environment ${spec} has no recorded deployment`);
  return row;
}
