import os from 'node:os';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { dialects } from '../../../test/dialects.js';
import type { ThreadlineClient } from '../../sdk/client.js';

const image = (c: string) => `registry.local/reco@sha256:${c.repeat(64)}`;

async function call(url: string, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe.each(dialects)('deployments over HTTP on %s', (dialect) => {
  let api: TestApi;
  let client: ThreadlineClient;
  const runIds: string[] = [];

  beforeAll(async () => {
    api = await startTestApi(dialect, async (tl) => {
      await tl.models.createModel({ name: 'reco' });
      for (const n of [1, 2, 3]) {
        const run = await tl.runs.create({ name: `train-${n}` });
        runIds.push(run.runId);
        await tl.models.createVersion({ name: 'reco', source: `s3://m/${n}`, runId: run.runId, tags: { GIT_SHA: `sha${n}` } });
      }
    });
    client = api.client;
    await client.recordImage({ reference: image('1'), model: 'reco/1' });
    await client.recordImage({ reference: image('2'), model: 'reco/2' });
  });
  afterAll(() => api.close());

  it('records a pending deployment, finishes it, replaces it, plans rollbacks, stops; all visible in lineage', async () => {
    // What `deploy REF` runs: the newest image of the version, else the version alone.
    expect(await client.resolveDeploySubject('reco/1')).toEqual({ imageReference: image('1'), modelName: 'reco', modelVersion: 1, runId: runIds[0], gitSha: 'sha1' });
    expect(await client.resolveDeploySubject('reco/3')).toEqual({ imageReference: null, modelName: 'reco', modelVersion: 3, runId: runIds[2], gitSha: 'sha3' });

    const created = await call(api.url, 'POST', '/api/deployments', { environment: 'prod', target: 'command', image: image('1'), model: 'reco/1', actor: 'alice', status: 'pending', details: { command: './deploy.sh' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'prod#1', sequence: 1, status: 'pending', current: false, imageReference: image('1'), modelVersion: 1, runId: runIds[0], gitSha: 'sha1', actor: 'alice', reason: 'deploy', replacedId: null });
    await expect(client.getDeployment('prod')).rejects.toMatchObject({ status: 404 }); // pending is not current
    const finished = await client.updateDeployment('prod#1', { status: 'deployed', details: { command: './deploy.sh', exitCode: 0 } });
    expect(finished).toMatchObject({ id: 'prod#1', status: 'deployed', current: true, details: { exitCode: 0 } });
    await expect(client.updateDeployment('prod#1', { status: 'failed' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', status: 412 });

    // A CD system reports a finished deployment in one call: a model version without an image.
    const second = await client.recordDeployment({ environment: 'prod', target: 'kubernetes', model: 'reco/3', actor: 'argo', details: { namespace: 'ml' } });
    expect(second).toMatchObject({ id: 'prod#2', status: 'deployed', current: true, imageReference: null, modelVersion: 3, replacedId: 'prod#1', target: 'kubernetes' });
    expect((await client.getDeployment('prod#1')).status).toBe('replaced');

    const previous = await client.planRollback('prod');
    expect(previous).toMatchObject({ subject: { imageReference: image('1'), modelVersion: 1, runId: runIds[0] }, current: { id: 'prod#2' }, target: 'kubernetes', inherited: { namespace: 'ml' } });
    expect((await client.planRollback('prod', { runId: runIds[1]! })).subject).toMatchObject({ imageReference: image('2'), modelVersion: 2 });
    expect((await client.planRollback('prod', { to: 2 })).subject).toMatchObject({ imageReference: null, modelVersion: 3 });

    const rolledBack = await client.recordDeployment({ environment: 'prod', target: previous.target, image: previous.subject.imageReference, reason: 'rollback', details: previous.inherited });
    expect(rolledBack).toMatchObject({ id: 'prod#3', reason: 'rollback', replacedId: 'prod#2', modelVersion: 1, actor: os.userInfo().username });
    // Nobody named on a server without authentication: the server's local user, never 'unknown'.
    const list = await client.listDeployments('prod');
    expect(list.map((d) => [d.id, d.status, d.current])).toEqual([
      ['prod#3', 'deployed', true],
      ['prod#2', 'replaced', false],
      ['prod#1', 'replaced', false],
    ]);
    expect((await client.listDeployments()).length).toBe(3);

    const trace = await client.trace('prod#3');
    const ids = trace.nodes.map((n) => `${n.type}:${n.id}`);
    expect(ids).toEqual(expect.arrayContaining([`image:${image('1')}`, 'model_version:reco/1', `run:${runIds[0]}`]));

    const stopped = await call(api.url, 'PATCH', `/api/deployments/${encodeURIComponent('prod#3')}`, { status: 'stopped' });
    expect(stopped).toMatchObject({ status: 200, body: { id: 'prod#3', status: 'stopped', current: false } });
    await expect(client.getDeployment('prod')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers bad input with 400, unknown environments and deployments with 404, nothing to roll back to with 412, and records nothing', async () => {
    const before = (await client.listDeployments()).length;
    const bad = [
      { environment: 'qa', target: 'ssh', model: 'reco/1' },
      { environment: '../x', target: 'command', model: 'reco/1' },
      { environment: 'qa', target: 'command' },
      { environment: 'qa', target: 'command', model: 'reco/1', status: 'stopped' },
      { environment: 'qa', target: 'command', model: 'reco/1', bogus: true },
      { environment: 'qa', target: 'command', image: image('1'), model: 'reco/2' },
    ];
    for (const body of bad) {
      const res = await call(api.url, 'POST', '/api/deployments', body);
      expect([res.status, res.body.error_code], JSON.stringify(body)).toEqual([400, 'INVALID_ARGUMENT']);
    }
    expect((await call(api.url, 'POST', '/api/deployments', { environment: 'qa', target: 'command', image: image('9') })).status).toBe(404);
    expect((await call(api.url, 'POST', '/api/deployments', { environment: 'qa', target: 'command', model: 'reco/9' })).status).toBe(404);

    expect((await call(api.url, 'GET', '/api/deployments?environment=nowhere')).body).toMatchObject({ error_code: 'NOT_FOUND' });
    expect((await call(api.url, 'GET', `/api/deployments/${encodeURIComponent('prod#99')}`)).status).toBe(404);
    expect((await call(api.url, 'GET', '/api/deployments/nowhere')).status).toBe(404);
    expect((await call(api.url, 'PATCH', `/api/deployments/${encodeURIComponent('prod#99')}`, { status: 'stopped' })).status).toBe(404);
    expect((await call(api.url, 'PATCH', `/api/deployments/${encodeURIComponent('prod#1')}`, { status: 'paused' })).status).toBe(400);
    expect((await call(api.url, 'GET', '/api/deployments/resolve')).status).toBe(400);

    const none = await call(api.url, 'GET', '/api/environments/staging/rollback');
    expect(none).toEqual({ status: 412, body: { error_code: 'FAILED_PRECONDITION', message: 'staging has no current deployment: nothing to roll back to' } });
    await client.recordDeployment({ environment: 'staging', target: 'command', model: 'reco/1' });
    const only = await call(api.url, 'GET', '/api/environments/staging/rollback');
    expect(only).toEqual({ status: 412, body: { error_code: 'FAILED_PRECONDITION', message: 'staging#1 is the only deployment of staging: nothing to roll back to' } });
    expect((await call(api.url, 'GET', '/api/environments/staging/rollback?to=7')).status).toBe(404);
    expect((await call(api.url, 'GET', '/api/environments/staging/rollback?to=0')).status).toBe(400);
    expect((await call(api.url, 'GET', '/api/environments/staging/rollback?run=nosuchrun')).status).toBe(404);
    expect((await call(api.url, 'GET', `/api/environments/staging/rollback?run=${runIds[0]}&to=1`)).status).toBe(400);
    expect((await client.listDeployments()).length).toBe(before + 1);
  });
});
