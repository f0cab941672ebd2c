import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { loadProjectFile } from '../src/observe/project-file.js';
import { planObservers } from '../src/observe/scheduler.js';
import { parseAlerts } from '../src/alerts/config.js';
import { imageUser } from '../src/release/image/self/self-image.js';
import { repoRoot, runCli } from './cli.js';
import { startTestApi, type TestApi } from './api-server.js';
import { schemaProblems, type KubeObject } from './kubernetes/schemas.js';
import { semanticProblems, type Facts } from './kubernetes/semantics.js';

const kustomizations = { base: 'deploy/kubernetes/base', prod: 'deploy/kubernetes/overlays/prod' };
const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** kubectl's kustomize must know components and `labels` (kustomize v5, kubectl 1.27 and later). */
function requireKustomize5(): void {
  const out = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const kustomize = (JSON.parse(out) as { kustomizeVersion?: string }).kustomizeVersion ?? 'none';
  if (!/^v[5-9]\./.test(kustomize)) throw new Error(`kubectl's kustomize is ${kustomize}; the manifests need v5 (kubectl 1.27+, see scripts/setup.sh)`);
}

function render(dir: string): KubeObject[] {
  const text = execFileSync('kubectl', ['kustomize', path.join(repoRoot, dir)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => doc.toJS() as KubeObject);
}

const copy = <T>(value: T): T => structuredClone(value);
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

/** `--flag`s of `threadline <command> --help`, from the real CLI. */
async function flagsOf(command: string): Promise<string[]> {
  const help = await runCli([command, '--help'], { cwd: os.tmpdir() });
  expect(help.code).toBe(0);
  return [...help.stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
}

let api: TestApi;
let facts: Facts;
beforeAll(async () => {
  requireKustomize5();
  api = await startTestApi('sqlite');
  const serverPaths = { live: '/api/health/live', ready: '/api/health/ready' };
  // The probes' paths answer on the real server (and a path it lacks does not).
  for (const p of [...Object.values(serverPaths)]) expect((await request(`${api.url}${p}`)).statusCode).toBe(200);
  expect((await request(`${api.url}/healthz`)).statusCode).toBe(404);
  const [server, proxy, observe] = await Promise.all(['server', 'proxy', 'observe'].map(flagsOf));
  facts = { imageTag: `v${version}`, uid: imageUser.uid, serverPaths, flags: { server: server!, proxy: proxy!, observe: observe! } };
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe.each(Object.entries(kustomizations))('kubectl kustomize %s', (name, dir) => {
  it('renders objects that are valid against the Kubernetes 1.34 schemas and agree with Threadline', () => {
    const objects = render(dir);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort();
    expect(kinds).toEqual(expect.arrayContaining(['ConfigMap/threadline-config', 'ConfigMap/threadline-project', 'Deployment/threadline-observer', 'Deployment/threadline-server', 'NetworkPolicy/threadline-server', 'PodDisruptionBudget/threadline-server', 'Service/threadline', 'ServiceAccount/threadline']));
    expect(objects.flatMap(schemaProblems)).toEqual([]);
    expect(semanticProblems(objects, facts)).toEqual([]);

    // The settings are ones Threadline reads as they are: PostgreSQL from a Secret, artifacts on S3.
    const settings = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('threadline-config'))!.data!;
    const config = loadConfig({ ...settings, THREADLINE_DB_URL: 'postgres://db/threadline' }, '/home/threadline');
    expect(config.artifactsUrl).toMatch(/^s3:\/\//);
    expect(config.home).toBe(`${imageUser.home}/.threadline`);

    // The observers' file parses and plans, as `threadline observe` would at its start.
    const project = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('threadline-project'))!.data!;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-k8s-')), 'threadline.yaml');
    fs.writeFileSync(file, project['threadline.yaml']!);
    const loaded = loadProjectFile(file);
    parseAlerts(loaded.alerts, file);
    expect(planObservers(loaded).map((p) => p.entry.name).sort()).toEqual(['data:lake', 'training']);
    expect(settings.THREADLINE_CONFIG).toBe(`/etc/threadline/${path.basename(file)}`);
  });
});

describe('the prod overlay', () => {
  it('adds the proxy, the namespace, PostgreSQL and S3 settings and the pushed image', () => {
    const objects = render(kustomizations.prod);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['ml-platform']));
    const proxy = find(objects, 'Deployment', 'threadline-proxy');
    expect(proxy.spec.template.spec.containers[0].image).toBe(`registry.example.com/ml-platform/threadline:v${version}`);
    expect(proxy.spec.template.spec.containers[0].env.slice(0, 2)).toEqual([{ name: 'THREADLINE_PROXY_UPSTREAM', value: 'http://recommender:8000' }, { name: 'THREADLINE_DEPLOYMENT', value: 'prod#1' }]);
    expect(find(objects, 'PodDisruptionBudget', 'threadline-proxy')).toBeDefined();
    expect(find(objects, 'Deployment', 'threadline-server').spec.replicas).toBe(4);
    const settings = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('threadline-config'))!.data!;
    expect(settings).toMatchObject({ THREADLINE_ARTIFACTS: 's3://acme-ml-artifacts/threadline', AWS_REGION: 'eu-west-1' });
    expect(settings.THREADLINE_ALLOWED_HOSTS!.split(',')).toContain('threadline.ml-platform.svc.cluster.local');
  });
});

describe('the checks fail on a broken manifest', () => {
  const objects = () => render(kustomizations.prod);

  it('a misspelt field, a port as text, a kind without a schema', () => {
    const broken = objects();
    const server = find(broken, 'Deployment', 'threadline-server');
    server.spec.replica = 3;
    server.spec.template.spec.containers[0].ports[0].containerPort = '5000';
    expect(schemaProblems(server)).toEqual(expect.arrayContaining(['Deployment/threadline-server: /spec must NOT have additional properties (replica)', expect.stringContaining('/spec/template/spec/containers/0/ports/0/containerPort must be integer')]));
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toEqual(['Pod/p: no schema kept for v1/Pod in spec/kubernetes/']);
  });

  it('an inline database URL, a Secret object, a password in a ConfigMap', () => {
    const broken = objects();
    const container = find(broken, 'Deployment', 'threadline-server').spec.template.spec.containers[0];
    container.env = container.env.map((e: { name: string }) => (e.name === 'THREADLINE_DB_URL' ? { name: 'THREADLINE_DB_URL', value: 'postgres://app:hunter2@db/threadline' } : e));
    broken.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'threadline-database' } });
    broken.find((o) => o.kind === 'ConfigMap')!.data!.S3_URL = 'https://key:verysecret@s3.example.com';
    const problems = semanticProblems(broken, facts);
    expect(problems).toEqual(expect.arrayContaining([
      'Deployment/threadline-server container server: THREADLINE_DB_URL must come from a Secret (secretKeyRef)',
      'Secret/threadline-database: secrets are created in the cluster, never kept in the manifests',
      expect.stringMatching(/^ConfigMap\/threadline-config-\w+: S3_URL holds credentials in a URL$/),
    ]));
  });

  it('a probe on a path the server lacks, a port the server does not listen on, an unknown flag, another image, root', () => {
    const broken = objects();
    const server = find(broken, 'Deployment', 'threadline-server');
    const container = server.spec.template.spec.containers[0];
    container.readinessProbe.httpGet.path = '/healthz';
    container.livenessProbe = { httpGet: { path: '/api/health/live', port: 8081 } };
    container.args = [...container.args, '--workers', '4'];
    server.spec.template.spec.securityContext.runAsUser = 0;
    find(broken, 'Deployment', 'threadline-observer').spec.template.spec.containers[0].image = 'node:20-slim';
    const problems = semanticProblems(broken, facts);
    expect(problems).toEqual(expect.arrayContaining([
      'Deployment/threadline-server container server: readinessProbe must GET /api/health/ready, got /healthz',
      'Deployment/threadline-server container server: livenessProbe checks port 8081, not 5000',
      'Deployment/threadline-server container server: threadline server has no --workers',
      "Deployment/threadline-server: pods must run as the image's user 10001, non-root",
      "Deployment/threadline-observer container observer: image node:20-slim is not Threadline's image (…/threadline:v0.1.0)",
    ]));
  });

  it('a writable path left on the read-only root, a grace period too short to drain, a lone server', () => {
    const broken = objects();
    const server = find(broken, 'Deployment', 'threadline-server');
    server.spec.template.spec.containers[0].volumeMounts = [];
    server.spec.template.spec.terminationGracePeriodSeconds = 10;
    server.spec.replicas = 1;
    broken.splice(broken.indexOf(find(broken, 'PodDisruptionBudget', 'threadline-server')), 1);
    expect(semanticProblems(broken, facts)).toEqual(expect.arrayContaining([
      'Deployment/threadline-server container server: /home/threadline/.threadline is on the read-only root: mount a volume there',
      'Deployment/threadline-server container server: preStop and THREADLINE_SHUTDOWN_GRACE (25s) do not fit in terminationGracePeriodSeconds (10s)',
      'Deployment/threadline-server: no PodDisruptionBudget covers its pods',
      'Deployment/threadline-server: one replica cannot survive a restart',
    ]));
    expect(semanticProblems(copy(objects()), facts)).toEqual([]);
  });
});
