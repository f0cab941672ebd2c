import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../../test/dialects.js';
import type { Store } from '../../store/database.js';
import { resolveIdentity } from './identity.js';

describe.each(dialects)('serving identity on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(dialect);
    await store.db
      .insertInto('deployments')
      .values({ id: 'prod#2', environment: 'prod', sequence: 2, image_reference: null, model_name: 'reco', model_version: 3, run_id: 'b'.repeat(32), git_sha: 'e'.repeat(40), target: 'local', actor: 'al', created_at: Date.now(), status: 'active', replaced_id: null, reason: 'deploy', details: '{}' })
      .execute();
  });
  afterAll(() => store.close());

  it('takes model, run and git sha from the deployments row, over the environment', async () => {
    const env = { GIT_SHA: 'f'.repeat(40), THREADLINE_RUN_ID: 'a'.repeat(32), THREADLINE_MODEL: 'other/1' };
    expect(await resolveIdentity(store, 'prod#2', env)).toEqual({ deploymentId: 'prod#2', modelName: 'reco', modelVersion: 3, runId: 'b'.repeat(32), gitSha: 'e'.repeat(40) });
    expect(await resolveIdentity(store, undefined, { ...env, THREADLINE_DEPLOYMENT: 'prod#2' })).toMatchObject({ deploymentId: 'prod#2', modelVersion: 3 });
  });

  it('falls back to the environment (the seed names too), and to nothing, unlinked', async () => {
    expect(await resolveIdentity(store, 'prod#9', { git_sha: 'c'.repeat(40), run_id: '777', THREADLINE_MODEL: 'reco/4' })).toEqual({ deploymentId: 'prod#9', modelName: 'reco', modelVersion: 4, runId: '777', gitSha: 'c'.repeat(40) });
    expect(await resolveIdentity(store, undefined, {})).toEqual({ deploymentId: null, modelName: null, modelVersion: null, runId: null, gitSha: null });
  });
});
