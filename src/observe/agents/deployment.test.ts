import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openThreadline, type Threadline } from '../../context.js';
import { DeploymentStore } from '../../release/deploy/deployment-store.js';
import { freePort, waitHealthy } from '../../release/deploy/local-process.js';
import { renderManifests } from '../../release/deploy/manifests.js';
import type { DeploymentDetails } from '../../release/deploy/types.js';
import type { ObserverEvent } from '../../events/types.js';
import YAML from 'yaml';
import { parseKubectlList } from '../deployment/probes.js';
import { driftFromRecord } from '../deployment/running.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';

const imageA = `registry.local/reco@sha256:${'a'.repeat(64)}`;
const imageB = `registry.local/reco@sha256:${'b'.repeat(64)}`;
const runId = '0'.repeat(31) + '1';

// A model server as the local target starts one: `… serve … --deployment ID`, answering GET /health.
const serverScript = `require('node:http').createServer((q, r) => { r.statusCode = q.url === '/health' ? 200 : 404; r.end('ok'); }).listen(Number(process.env.PORT), '127.0.0.1');`;

describe.each(dialects)('deployment observer on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;
  let store: DeploymentStore;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-deploy-obs-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    store = new DeploymentStore(tl.store.db);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await tl.close();
  });

  /** A finished deployment record, as the ledger writes one. */
  async function record(environment: string, target: string, image: string | null, details: DeploymentDetails, reason = 'deploy') {
    const current = await store.current(environment);
    const row = await store.insertNext({ environment, image_reference: image, model_name: 'reco', model_version: image === imageB ? 2 : 1, run_id: runId, git_sha: 'abc123', target, actor: 'ci', created_at: Date.now(), status: 'pending', replaced_id: current?.id ?? null, reason, details: '{}' });
    await store.finish(row.id, { status: 'deployed', details: JSON.stringify(details), replaced_id: current?.id ?? null });
    return row.id;
  }

  async function poke(settings: Record<string, unknown>): Promise<{ ok: boolean; error?: string; events: ObserverEvent[] }> {
    const project = readProject({ observe: { deployment: settings } }, path.join(dir, 'threadline.yaml'));
    return (await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} }))[0]!;
  }

  it('reports a manifest edited after the recorded deploy, once, and when it matches again', async () => {
    const folder = path.join(dir, 'deployments/prod/1');
    fs.mkdirSync(folder, { recursive: true });
    const manifestsPath = path.join(folder, 'manifests.yaml');
    const id = await record('prod', 'kubernetes', imageA, { manifestsPath });
    const rendered = renderManifests({ deploymentId: id, environment: 'prod', imageReference: imageA, modelName: 'reco', modelVersion: 1, runId, gitSha: 'abc123' });
    fs.writeFileSync(manifestsPath, rendered);

    const first = await poke({ environments: ['prod'] });
    expect(first.events.map((e) => [e.kind, e.severity])).toEqual([['deployed', 'info']]);
    expect(first.events[0]!.subjects).toEqual([{ type: 'deployment', id: 'prod#1' }, { type: 'image', id: imageA }, { type: 'model_version', id: 'reco/1' }]);

    // Someone edits the rendered manifest: another image digest and another commit.
    fs.writeFileSync(manifestsPath, rendered.replaceAll(imageA, imageB).replaceAll('abc123', 'def456'));
    const drifted = await poke({ environments: ['prod'] });
    expect(drifted.events.map((e) => [e.kind, e.severity])).toEqual([['drift_from_record', 'error']]);
    const drift = drifted.events[0]!;
    expect(drift.details).toMatchObject({
      environment: 'prod',
      deployment: 'prod#1',
      recorded_image_digest: `sha256:${'a'.repeat(64)}`,
      running_image_digest: `sha256:${'b'.repeat(64)}`,
      findings: [{ name: 'reco-prod', fields: [{ field: 'image', recorded: imageA, running: imageB }, { field: 'env.GIT_SHA', recorded: 'abc123', running: 'def456' }] }],
    });
    expect(drift.subjects).toEqual([{ type: 'deployment', id: 'prod#1' }, { type: 'image', id: imageA }, { type: 'model_version', id: 'reco/1' }, { type: 'image', id: imageB }]);
    expect((await poke({ environments: ['prod'] })).events).toEqual([]);

    fs.writeFileSync(manifestsPath, rendered);
    expect((await poke({ environments: ['prod'] })).events.map((e) => e.kind)).toEqual(['drift_resolved']);
    expect((await poke({ environments: ['prod'] })).events).toEqual([]);
  });

  it('reads a manifests folder with {env}, reports new deploys and rollbacks, and refuses garbage YAML', async () => {
    const id = await record('prod', 'kubernetes', imageB, {});
    const rollback = await record('prod', 'kubernetes', imageA, {}, 'rollback');
    const rendered = renderManifests({ deploymentId: rollback, environment: 'prod', imageReference: imageA, modelName: 'reco', modelVersion: 1, runId, gitSha: 'abc123' });
    fs.mkdirSync(path.join(dir, 'k8s/prod'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'k8s/prod/app.yaml'), rendered);
    const settings = { environments: ['prod'], manifests: 'k8s/{env}' };
    const outcome = await poke(settings);
    expect(outcome.events.map((e) => [e.kind, e.details.deployment])).toEqual([['deployed', id], ['rolled_back', rollback]]);
    expect((await poke(settings)).events).toEqual([]);

    fs.writeFileSync(path.join(dir, 'k8s/prod/app.yaml'), rendered.replaceAll(runId, 'ffff'));
    const drift = await poke(settings);
    expect(drift.events.map((e) => e.kind)).toEqual(['drift_from_record']);
    expect(drift.events[0]!.details.findings).toEqual([{ name: 'reco-prod', namespace: null, fields: [{ field: 'env.THREADLINE_RUN_ID', recorded: runId, running: 'ffff' }] }]);

    fs.writeFileSync(path.join(dir, 'k8s/prod/broken.yaml'), 'kind: Deployment\n  image: [unclosed\n');
    const broken = await poke(settings);
    expect(broken).toMatchObject({ ok: false, error: expect.stringMatching(/broken\.yaml: not valid YAML/) });
    fs.rmSync(path.join(dir, 'k8s/prod/broken.yaml'));
  });

  it('sees a local deployment go down (stopped, then killed) and come back', async () => {
    const port = await freePort();
    const env = 'local-dev';
    const sequence = ((await store.list(env)).length + 1);
    const deploymentId = `${env}#${sequence}`;
    const child = spawn(process.execPath, ['-e', serverScript, 'serve', '--deployment', deploymentId], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    expect(await waitHealthy(`${url}/health`, 20_000, () => child.exitCode !== null)).toBe('ok');
    expect(await record(env, 'local', null, { pid: child.pid!, port, url })).toBe(deploymentId);
    const settings = { environments: [env], health_timeout: '700ms' };

    expect((await poke(settings)).events.map((e) => e.kind)).toEqual(['deployed']);
    expect((await poke(settings)).events).toEqual([]);

    // Stopped: the process is there, /health does not answer.
    process.kill(child.pid!, 'SIGSTOP');
    const down = await poke(settings);
    expect(down.events.map((e) => [e.kind, e.severity])).toEqual([['deployment_down', 'error']]);
    expect(down.events[0]!.details).toMatchObject({ alive: true, up: false, health: 'no answer within 700 ms' });
    expect(down.events[0]!.subjects).toEqual([{ type: 'deployment', id: deploymentId }, { type: 'model_version', id: 'reco/1' }]);
    expect((await poke(settings)).events).toEqual([]);

    process.kill(child.pid!, 'SIGCONT');
    expect((await poke(settings)).events.map((e) => [e.kind, e.severity])).toEqual([['deployment_recovered', 'info']]);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killed = await poke(settings);
    expect(killed.events.map((e) => e.kind)).toEqual(['deployment_down']);
    expect(killed.events[0]!.details).toMatchObject({ alive: false, pid: child.pid });
    expect(killed.events[0]!.summary).toMatch(/is down: its server \(pid \d+\) is not running/);
    expect((await poke(settings)).events).toEqual([]);
  });

  it('fails the poke clearly when the cluster cannot be read (no Kubernetes API server runs here)', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig.yaml');
    // A cluster on a loopback port nothing listens on.
    const port = await freePort();
    fs.writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`);
    const missing = await poke({ environments: ['prod'], kubeconfig, kubectl: 'kubectl-that-is-not-installed' });
    expect(missing).toMatchObject({ ok: false, error: expect.stringMatching(/kubectl-that-is-not-installed is not installed/) });
    if (fs.existsSync('/usr/bin/kubectl') || fs.existsSync('/usr/local/bin/kubectl')) {
      const refused = await poke({ environments: ['prod'], kubeconfig, health_timeout: '2s' });
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^kubectl get deployment -o json .* failed: /) });
    }
  });
});

describe('what kubectl reports', () => {
  it('reads the Deployments of `kubectl get deployment -o json` and compares them with the record', () => {
    const rendered = renderManifests({ deploymentId: 'prod#3', environment: 'prod', imageReference: imageA, modelName: 'reco', modelVersion: 1, runId, gitSha: 'abc123', namespace: 'ml' });
    // What the API server returns for the applied objects: the same spec, as JSON, in a List.
    const items = YAML.parseAllDocuments(rendered).map((d) => d.toJS());
    items[0].spec.template.spec.containers[0].image = imageB;
    const running = parseKubectlList(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    expect(running).toMatchObject([{ source: 'kubernetes:ml/reco-prod', environment: 'prod', deploymentId: 'prod#3', image: imageB, env: { GIT_SHA: 'abc123', THREADLINE_MODEL: 'reco/1' } }]);
    const record = { id: 'prod#3', environment: 'prod', sequence: 3, image_reference: imageA, model_name: 'reco', model_version: 1, run_id: runId, git_sha: 'abc123', target: 'kubernetes', actor: 'ci', created_at: 0, status: 'deployed', replaced_id: null, reason: 'deploy', details: '{}' };
    expect(driftFromRecord(record, running[0]!)).toEqual([{ field: 'image', recorded: imageA, running: imageB }]);
    expect(driftFromRecord({ ...record, image_reference: imageB }, running[0]!)).toEqual([]);
  });
});
