import type { Kysely } from 'kysely';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import { DeploymentStore } from '../../release/deploy/deployment-store.js';
import type { Database } from '../../store/schema.js';

/** `ENV#N` exactly, or `ENV`: what the environment runs now (a rollback is a newer deployment, so it is followed). */
export async function resolveDeployment(db: Kysely<Database>, spec: string) {
  const store = new DeploymentStore(db);
  const exact = /^(.+)#(\d+)$/.exec(spec);
  if (exact) {
    const row = await store.get(exact[1]!, Number(exact[2]));
    if (!row) throw invalidArgument(`deployment ${spec} is not recorded`);
    return row;
  }
  const row = (await store.current(spec)) ?? (await store.list(spec))[0];
  if (!row) throw failedPrecondition(`environment ${spec} has no recorded deployment`);
  return row;
}
