import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { dnsLabel, renderManifests } from './manifests.js';

const image = `registry.local:5000/amazon-recommender@sha256:${'9f1c'.repeat(16)}`;
const input = {
  deploymentId: 'prod#14',
  environment: 'prod',
  imageReference: image,
  modelName: 'Amazon_Recommender',
  modelVersion: 7,
  runId: '0193c1f2aaaabbbbccccddddeeeeffff',
  gitSha: '3f9d2c1e',
  namespace: 'ml',
};

describe('kubernetes manifests', () => {
  const docs = YAML.parseAllDocuments(renderManifests(input));
  const [deployment, service] = docs.map((d) => d.toJS());

  it('are two valid YAML documents: a Deployment and a Service', () => {
    expect(docs.map((d) => d.errors)).toEqual([[], []]);
    expect([deployment.apiVersion, deployment.kind, service.apiVersion, service.kind]).toEqual(['apps/v1', 'Deployment', 'v1', 'Service']);
  });

  it('name, namespace, labels and annotations link back to the deployment, run, commit and model', () => {
    for (const doc of [deployment, service]) {
      expect(doc.metadata.name).toBe('amazon-recommender-prod');
      expect(doc.metadata.namespace).toBe('ml');
      expect(doc.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'amazon-recommender',
        'app.kubernetes.io/instance': 'amazon-recommender-prod',
        'app.kubernetes.io/managed-by': 'threadline',
        'ai.threadline/deployment': 'prod-14',
        'ai.threadline/environment': 'prod',
      });
      expect(doc.metadata.annotations).toEqual({
        'ai.threadline/deployment': 'prod#14',
        'ai.threadline/run-id': input.runId,
        'ai.threadline/git-sha': '3f9d2c1e',
        'ai.threadline/model': 'Amazon_Recommender/7',
        'ai.threadline/image': image,
      });
    }
    // Every label value is a valid Kubernetes label value.
    for (const value of Object.values(deployment.metadata.labels as Record<string, string>)) expect(value).toMatch(/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/);
  });

  it('the pod runs the image by digest with the thread as env vars, probes on /health:8080', () => {
    const spec = deployment.spec;
    expect(spec.replicas).toBe(1);
    expect(spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'amazon-recommender', 'app.kubernetes.io/instance': 'amazon-recommender-prod' });
    // The selector must match the template's labels, or the API server refuses the Deployment.
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(spec.template.metadata.annotations['ai.threadline/deployment']).toBe('prod#14');
    const [container, ...others] = spec.template.spec.containers;
    expect(others).toEqual([]);
    expect(container.name).toBe('amazon-recommender');
    expect(container.image).toBe(image);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(container.env).toEqual([
      { name: 'GIT_SHA', value: '3f9d2c1e' },
      { name: 'THREADLINE_RUN_ID', value: input.runId },
      { name: 'THREADLINE_MODEL', value: 'Amazon_Recommender/7' },
      { name: 'THREADLINE_DEPLOYMENT', value: 'prod#14' },
      { name: 'git_sha', value: '3f9d2c1e' },
      { name: 'run_id', value: input.runId },
    ]);
    for (const probe of [container.readinessProbe, container.livenessProbe]) expect(probe.httpGet).toEqual({ path: '/health', port: 8080 });
  });

  it('the Service selects the pods and forwards port 80 to 8080', () => {
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
  });

  it('leaves the namespace out when none is given, and env values stay strings when ids are missing', () => {
    const [d] = YAML.parseAllDocuments(renderManifests({ ...input, namespace: undefined, runId: null, gitSha: null })).map((doc) => doc.toJS());
    expect(d.metadata.namespace).toBeUndefined();
    expect(d.spec.template.spec.containers[0].env.slice(0, 2)).toEqual([
      { name: 'GIT_SHA', value: '' },
      { name: 'THREADLINE_RUN_ID', value: '' },
    ]);
  });

  it('names are DNS-1123 labels', () => {
    expect(dnsLabel('Amazon_Recommender v2!')).toBe('amazon-recommender-v2');
    expect(dnsLabel('x'.repeat(80))).toHaveLength(63);
    expect(dnsLabel('___')).toBe('model');
  });
});
