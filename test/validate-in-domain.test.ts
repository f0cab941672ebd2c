import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedApi } from '../src/cli/embedded-api.js';
import type { ThreadlineApi } from '../src/sdk/types.js';
import { startTestApi, type TestApi } from './api-server.js';
import { dialects } from './dialects.js';

const image = (c: string) => `registry.local/reco@sha256:${c.repeat(64)}`;

/**
 * Issue 15: image and deployment records are checked by the domain, not by the HTTP route, so
 * the embedded CLI refuses exactly what the server refuses, with the same line, and stores nothing.
 */
describe.each(dialects)('the embedded API and HTTP refuse the same records on %s', (dialect) => {
  let api: TestApi;
  let embedded: ThreadlineApi;

  beforeAll(async () => {
    api = await startTestApi(dialect, async (tl) => {
      await tl.models.createModel({ name: 'reco' });
      await tl.models.createVersion({ name: 'reco', source: 's3://m/1' });
    });
    embedded = embeddedApi(api.tl, 'embedded test');
  });
  afterAll(() => api.close());

  const badDeployments: [string, unknown, RegExp][] = [
    ['an unknown field', { environment: 'prod', target: 'kubernetes', model: 'reco/1', replicas: 3 }, /^Invalid deployment: Unrecognized key/],
    ['neither image nor model', { environment: 'prod', target: 'kubernetes' }, /^Invalid deployment image: name an image or a model version/],
    ['an unknown status', { environment: 'prod', target: 'kubernetes', model: 'reco/1', status: 'half' }, /^Invalid deployment status: /],
  ];

  it.each(badDeployments)('deployment with %s', async (_, input, message) => {
    for (const side of [embedded, api.client]) {
      await expect(side.recordDeployment(input as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    }
    expect(await api.tl.store.db.selectFrom('deployments').select('id').execute()).toEqual([]);
  });

  it('image with an oversized label or an unknown field', async () => {
    for (const input of [
      { reference: image('a'), model: 'reco/1', labels: { note: 'x'.repeat(5000) } },
      { reference: image('a'), model: 'reco/1', size: 12 },
    ]) {
      for (const side of [embedded, api.client]) {
        await expect(side.recordImage(input as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Invalid image/) });
      }
    }
    expect(await api.tl.store.db.selectFrom('images').select('reference').execute()).toEqual([]);
  });
});
