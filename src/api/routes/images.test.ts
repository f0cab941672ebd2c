import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { dialects } from '../../../test/dialects.js';
import type { ThreadlineClient } from '../../sdk/client.js';

const digestOf = (c: string) => `sha256:${c.repeat(64)}`;
const commitSha = 'c0ffee'.padEnd(40, '0');

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${url}/api/images`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe.each(dialects)('images over HTTP on %s', (dialect) => {
  let api: TestApi;
  let client: ThreadlineClient;
  let runId: string;

  beforeAll(async () => {
    api = await startTestApi(dialect, async (tl) => {
      const run = await tl.runs.create({ name: 'train' });
      runId = run.runId;
      await tl.runs.recordCode(runId, { id: `sha256:${'d'.repeat(64)}`, repoRoot: '/src/reco', remoteUrl: 'https://github.com/acme/reco', commitSha, branch: 'main', dirty: false, patchDigest: null });
      await tl.models.createModel({ name: 'reco' });
      await tl.models.createVersion({ name: 'reco', source: 'runs:/x/model', runId });
      await tl.models.createVersion({ name: 'reco', source: 's3://m/2' });
      await tl.models.setAlias('reco', 'champion', 1);
    });
    client = api.client;
  });
  afterAll(() => api.close());

  it('records an image of a model version (run and commit from its run), lists and shows it by reference or digest', async () => {
    const reference = `127.0.0.1:5000/reco@${digestOf('a')}`;
    const created = await post(api.url, { reference: `127.0.0.1:5000/reco:run-1@${digestOf('a')}`, model: 'reco@champion', labels: { 'ai.threadline.model': 'reco/1' }, layoutPath: '/tmp/layout', pushed: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ reference, repository: '127.0.0.1:5000/reco', digest: digestOf('a'), tag: 'run-1', modelName: 'reco', modelVersion: 1, runId, gitSha: commitSha, labels: { 'ai.threadline.model': 'reco/1' }, layoutPath: '/tmp/layout', pushed: false });
    const other = await client.recordImage({ reference: `ghcr.io/acme/reco@${digestOf('b')}`, model: 'reco/2' });
    expect(other).toMatchObject({ modelVersion: 2, runId: null, gitSha: null, tag: null, pushed: true, labels: {} });

    expect((await client.listImages()).map((i) => i.reference).sort()).toEqual([other.reference, reference].sort());
    expect((await client.listImages({ modelName: 'reco', modelVersion: 1 })).map((i) => i.reference)).toEqual([reference]);
    expect((await client.listImages({ runId })).map((i) => i.reference)).toEqual([reference]);
    expect((await client.listImages({ digest: digestOf('b') })).map((i) => i.reference)).toEqual([other.reference]);
    expect(await client.getImage(reference)).toEqual(created.body);
    expect((await client.getImage(digestOf('b'))).reference).toBe(other.reference);
    // The slashes may also come unencoded.
    const raw = await request(`${api.url}/api/images/${reference}`);
    expect([raw.statusCode, ((await raw.body.json()) as { digest: string }).digest]).toEqual([200, digestOf('a')]);

    // The image is in the lineage: it packages the model version, trained by the run.
    const trace = await client.trace(reference);
    expect(trace.nodes.map((n) => `${n.type}:${n.id}`)).toEqual(expect.arrayContaining(['model_version:reco/1', `run:${runId}`]));
  });

  it('refuses bad input with 400, unknown models and images with 404, and records nothing then', async () => {
    const before = (await client.listImages()).length;
    for (const body of [
      { reference: '127.0.0.1:5000/reco:latest', model: 'reco/1' },
      { reference: `127.0.0.1:5000/reco@sha256:abc`, model: 'reco/1' },
      { reference: `127.0.0.1:5000/reco@${digestOf('c')}` },
      { reference: `127.0.0.1:5000/reco@${digestOf('c')}`, model: 'reco/1', pushed: 'yes' },
      { reference: `127.0.0.1:5000/reco@${digestOf('c')}`, model: 'reco/1', bogus: 1 },
    ]) {
      const res = await post(api.url, body);
      expect([res.status, res.body.error_code], JSON.stringify(body)).toEqual([400, 'INVALID_ARGUMENT']);
      expect(typeof res.body.message).toBe('string');
    }
    expect((await post(api.url, { reference: `127.0.0.1:5000/reco@${digestOf('c')}`, model: 'reco/9' })).status).toBe(404);
    await expect(client.getImage(digestOf('f'))).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(client.getImage(`127.0.0.1:5000/reco@${digestOf('f')}`)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(client.getImage('reco:latest')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    expect((await request(`${api.url}/api/images?version=two`)).statusCode).toBe(400);
    expect((await client.listImages()).length).toBe(before);
  });
});
