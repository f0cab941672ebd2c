import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { OpenLineageService } from '../src/openlineage/ingest-service.js';
import { runUuid } from '../src/openlineage/emit-events.js';
import type { RunEvent } from '../src/openlineage/types.js';
import { validateEvent } from '../src/openlineage/validate.js';
import { git, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

/** An OpenLineage consumer on loopback that keeps what it is sent. */
function receiver() {
  const events: RunEvent[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      events.push(JSON.parse(body) as RunEvent);
      paths.push(req.url ?? '');
      res.writeHead(201).end();
    });
  });
  return { events, paths, server };
}

const writeModel = "require('fs').mkdirSync('model',{recursive:true});require('fs').writeFileSync('model/m.json','{\"w\":1}')";

describe.each(dialects)('threadline run emits OpenLineage on %s', (dialect) => {
  const { events, paths, server } = receiver();
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function launch(command: string[], extraEnv: Record<string, string> = {}) {
    const repo = makeGitRepo({ 'data/orders.csv': 'order_id,item\n1,a\n2,b\n', '.gitignore': '.threadline/\nmodel/\n' }, 'git@github.com:acme/reco.git');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '', THREADLINE_OPENLINEAGE_URL: url, ...extraEnv };
    const result = await runCli(['run', '--experiment', 'reco', '--input', 'data/orders.csv', '--output', 'model', '--', ...command], { cwd: repo, env });
    return { repo, env, result, runId: result.stdout.trim(), sent: () => events.filter((e) => e.run.runId === runUuid(result.stdout.trim())) };
  }

  it('sends START and COMPLETE, valid against the spec, with code, inputs and outputs', async () => {
    const { repo, env, result, runId, sent } = await launch(['node', '-e', writeModel]);
    expect(result.code, result.stderr).toBe(0);
    const [start, complete] = sent();
    expect(sent().map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(new Set(paths)).toEqual(new Set(['/api/v1/lineage']));
    for (const event of sent()) expect(() => validateEvent(event)).not.toThrow();
    expect(start!.job).toMatchObject({ namespace: 'threadline', name: 'reco' });
    expect(start!.job.facets!.sourceCodeLocation).toMatchObject({ type: 'git', url: 'https://github.com/acme/reco', version: git(repo, 'rev-parse', 'HEAD'), branch: 'main' });
    const input = start!.inputs![0]!;
    expect(input).toMatchObject({ namespace: 'file', name: path.join(repo, 'data/orders.csv') });
    const tl = await openThreadline({ databaseUrl: env.THREADLINE_DB_URL, artifactsUrl: path.join(repo, '.threadline/artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const recorded = (await tl.runs.get(runId)).io.find((io) => io.direction === 'input')!.ref;
    await tl.close();
    expect(input.facets!.version).toMatchObject({ datasetVersion: recorded });
    expect(complete!.outputs!.map((o) => o.name)).toEqual([`runs/${runId}/artifacts/model/m.json`]);
    expect(complete!.outputs![0]!.facets!.version).toMatchObject({ datasetVersion: expect.stringMatching(/^sha256:/) });
  });

  it('sends FAIL, with the exit status, for a failing command', async () => {
    const { result, sent } = await launch(['node', '-e', 'process.exit(3)'], { THREADLINE_OPENLINEAGE_NAMESPACE: 'ml-team' });
    expect(result.code).toBe(3);
    expect(sent().map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    const fail = sent()[1]!;
    expect(() => validateEvent(fail)).not.toThrow();
    expect(fail.job.namespace).toBe('ml-team');
    expect(fail.run.facets!.errorMessage).toMatchObject({ message: 'command exited with status 3', programmingLanguage: 'shell' });
  });

  it('only warns when the consumer is unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { result } = await launch(['node', '-e', '0'], { THREADLINE_OPENLINEAGE_URL: deadUrl });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/OpenLineage START not sent to .*\/api\/v1\/lineage/);
    expect(result.stderr).toMatch(/finished \(exit 0\)/);
  });

  it("lands in another Threadline's OpenLineage ingest as a completed run of job 'reco'", async () => {
    const tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-ol-receiver-')), s3: { region: 'us-east-1', forcePathStyle: true } });
    const { app, url: serverUrl } = await startServer(tl, '127.0.0.1', 0);
    try {
      const { result, runId } = await launch(['node', '-e', writeModel], { THREADLINE_OPENLINEAGE_URL: serverUrl });
      expect(result.stderr).not.toContain('OpenLineage');
      const ol = new OpenLineageService(tl.store);
      expect(await ol.run(runUuid(runId))).toMatchObject({ state: 'COMPLETE' });
      expect(await ol.job('threadline', 'reco')).toMatchObject({ latestRunId: runUuid(runId) });
    } finally {
      await app.close();
      await tl.close();
    }
  });
});
