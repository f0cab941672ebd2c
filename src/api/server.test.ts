import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';
import { ThreadlineClient } from '../sdk/client.js';

describe.each(dialects)('native HTTP API on %s', (dialect) => {
  let api: TestApi;
  let url: string;
  let client: ThreadlineClient;
  let home: string;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    ({ url, client, home } = api);
  });
  afterAll(() => api.close());

  it('listens on loopback only', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates a run in a named experiment and logs to it over HTTP', async () => {
    const run = await client.createRun({ experimentName: 'http', name: 'r1', tags: { team: 'reco' } });
    await client.logParams(run.runId, { lr: 0.1 });
    await client.logMetric(run.runId, 'loss', 0.25, 3);
    await client.logMetric(run.runId, 'weird', Number.NaN);
    await client.updateRun(run.runId, { status: 'FINISHED', endTime: Date.now() });
    const got = await client.getRun(run.runId.slice(0, 12));
    expect(got.info).toMatchObject({ runId: run.runId, name: 'r1', status: 'FINISHED' });
    expect(got.params).toEqual({ lr: '0.1' });
    expect(got.metrics.loss).toMatchObject({ value: 0.25, step: 3 });
    expect(Number.isNaN(got.metrics.weird!.value)).toBe(true);
    expect(got.tags.team).toBe('reco');
    expect((await client.listRuns({ experimentIds: [run.experimentId] })).map((r) => r.runId)).toEqual([run.runId]);
    expect((await client.listExperiments()).map((e) => e.name)).toContain('http');
  });

  it('streams artifacts in and out, content-addressed', async () => {
    const run = await client.createRun({});
    const file = path.join(home, 'model.bin');
    fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
    const artifact = await client.uploadArtifact(run.runId, 'model/model.bin', file, 'application/octet-stream');
    const expected = 'sha256:' + createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(artifact).toEqual({ path: 'model/model.bin', digest: expected, size: 3 * 1024 * 1024, mediaType: 'application/octet-stream' });
    expect(await client.listArtifacts(run.runId)).toEqual([artifact]);
    const response = await fetch(`${url}/api/runs/${run.runId}/artifacts/model/model.bin`);
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-content-digest')).toBe(expected);
    expect(Buffer.from(await response.arrayBuffer()).equals(fs.readFileSync(file))).toBe(true);
    const blob = await client.putBlob('hello');
    expect(blob.digest).toBe('sha256:' + createHash('sha256').update('hello').digest('hex'));
    expect(await (await fetch(`${url}/api/blobs/${blob.digest}`)).text()).toBe('hello');
  });

  it('answers bad input with {error_code, message} and the right status', async () => {
    const post = (p: string, body: string, type = 'application/json') => fetch(url + p, { method: 'POST', headers: { 'content-type': type }, body });
    const unknownRun = await fetch(`${url}/api/runs/${'0'.repeat(32)}`);
    expect(unknownRun.status).toBe(404);
    expect(await unknownRun.json()).toEqual({ error_code: 'NOT_FOUND', message: `Run '${'0'.repeat(32)}' not found` });

    const badJson = await post('/api/runs', '{"name": ');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT' });

    const run = await client.createRun({});
    const oversize = await post(`/api/runs/${run.runId}/batch`, JSON.stringify({ params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) }));
    expect(oversize.status).toBe(400);
    expect(((await oversize.json()) as { message: string }).message).toMatch(/at most 100 params/);

    await client.logParams(run.runId, { depth: 3 });
    await expect(client.logParams(run.runId, { depth: 4 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    expect((await client.getRun(run.runId)).params).toEqual({ depth: '3' });

    const dup = await post('/api/experiments', JSON.stringify({ name: 'twice' }));
    expect(dup.status).toBe(201);
    const again = await post('/api/experiments', JSON.stringify({ name: 'twice' }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error_code: 'ALREADY_EXISTS' });

    const noRoute = await fetch(`${url}/api/nothing-here`);
    expect(noRoute.status).toBe(404);
    expect(await noRoute.json()).toMatchObject({ error_code: 'NOT_FOUND' });

    const traversal = await fetch(`${url}/api/runs/${run.runId}/artifacts/..%2F..%2Fetc%2Fpasswd`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(traversal.status).toBe(400);
  });

  it('refuses a code version that carries credentials, and malformed digests', async () => {
    const run = await client.createRun({});
    const code = { id: 'sha256:' + 'a'.repeat(64), repoRoot: '/r', remoteUrl: 'https://bob:pw@example.com/r.git', commitSha: 'b'.repeat(40), branch: null, dirty: false, patchDigest: null };
    await expect(client.recordCode(run.runId, code)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('credentials') });
    await expect(client.recordCode(run.runId, { ...code, remoteUrl: null, id: 'md5:1' })).rejects.toMatchObject({ status: 400 });
    expect((await client.getRun(run.runId)).code).toBeNull();
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    const dead = new ThreadlineClient('http://127.0.0.1:9');
    await expect(dead.listExperiments()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await dead.close();
  });
});
