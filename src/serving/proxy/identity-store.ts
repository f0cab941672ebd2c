import type { Store } from '../../store/database.js';

/** What the `deployments` table says a deployment serves: its model version, run and git sha. */
export async function deploymentIdentity(store: Store, deploymentId: string) {
  return store.db.selectFrom('deployments').select(['model_name', 'model_version', 'run_id', 'git_sha']).where('id', '=', deploymentId).executeTakeFirst();
}
