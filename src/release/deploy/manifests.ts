import YAML from 'yaml';
import type { DeploySubject } from './types.js';

export interface ManifestInput extends DeploySubject {
  deploymentId: string;
  environment: string;
  imageReference: string;
  namespace?: string;
}

/** The container port the model server listens on, and the Service port in front of it. */
export const containerPort = 8080;

/**
 * A Deployment and a Service running the image by digest, carrying the thread back (env vars the
 * server reports in its responses, labels to select by, annotations with the exact ids).
 */
export function renderManifests(input: ManifestInput): string {
  const name = dnsLabel(`${input.modelName}-${input.environment}`);
  const model = `${input.modelName}/${input.modelVersion}`;
  const labels = {
    'app.kubernetes.io/name': dnsLabel(input.modelName),
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': 'threadline',
    // Label values cannot hold '#': the exact id is in the annotation.
    'ai.threadline/deployment': labelValue(input.deploymentId),
    'ai.threadline/environment': labelValue(input.environment),
  };
  const selector = { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': name };
  const annotations = {
    'ai.threadline/deployment': input.deploymentId,
    'ai.threadline/run-id': input.runId ?? '',
    'ai.threadline/git-sha': input.gitSha ?? '',
    'ai.threadline/model': model,
    'ai.threadline/image': input.imageReference,
  };
  const metadata = { name, ...(input.namespace && { namespace: input.namespace }), labels, annotations };
  const env = [
    ['GIT_SHA', input.gitSha ?? ''],
    ['THREADLINE_RUN_ID', input.runId ?? ''],
    ['THREADLINE_MODEL', model],
    ['THREADLINE_DEPLOYMENT', input.deploymentId],
    // The seed's FastAPI app reads these lowercase names.
    ['git_sha', input.gitSha ?? ''],
    ['run_id', input.runId ?? ''],
  ].map(([key, value]) => ({ name: key, value }));
  const probe = { httpGet: { path: '/health', port: containerPort } };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations },
        spec: {
          containers: [
            {
              name: dnsLabel(input.modelName),
              image: input.imageReference,
              ports: [{ name: 'http', containerPort }],
              env,
              readinessProbe: { ...probe, initialDelaySeconds: 2, periodSeconds: 5 },
              livenessProbe: { ...probe, initialDelaySeconds: 10, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: containerPort }] },
  };
  return [deployment, service].map((doc) => YAML.stringify(doc)).join('---\n');
}

/** A DNS-1123 label: lowercase alphanumerics and '-', at most 63 characters. */
export function dnsLabel(text: string): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 63).replace(/-+$/, '') || 'model';
}

/** A label value: alphanumerics, '-', '_', '.', at most 63, starting and ending alphanumeric. */
function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
