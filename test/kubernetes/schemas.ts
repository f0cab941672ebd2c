import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { repoRoot } from '../cli.js';

/** A rendered Kubernetes object, as far as the checks read it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests: each check reads the fields it needs
  spec?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** apiVersion/kind → the schema file kept in spec/kubernetes/ (Kubernetes 1.34.0, see its README). */
const schemaFiles: Record<string, string> = {
  'apps/v1/Deployment': 'deployment-apps-v1.json',
  'v1/Service': 'service-v1.json',
  'v1/ConfigMap': 'configmap-v1.json',
  'v1/ServiceAccount': 'serviceaccount-v1.json',
  'policy/v1/PodDisruptionBudget': 'poddisruptionbudget-policy-v1.json',
  'networking.k8s.io/v1/NetworkPolicy': 'networkpolicy-networking-v1.json',
};

/**
 * The stored schemas allow unknown fields (what the API server would drop or refuse); a misspelt
 * field must fail here, so every object schema that lists its properties is closed, as the
 * "strict" variants of these schemas are made.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v)]));
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

/** Schema problems of one object: `kind/name: /path message` lines, empty when it is valid. */
export function schemaProblems(object: KubeObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const file = schemaFiles[key];
  const name = `${object.kind}/${object.metadata?.name}`;
  if (!file) return [`${name}: no schema kept for ${key} in spec/kubernetes/`];
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(closed(JSON.parse(fs.readFileSync(path.join(repoRoot, 'spec/kubernetes', file), 'utf8'))) as object);
    compiled.set(key, validate);
  }
  if (validate(object)) return [];
  return (validate.errors ?? []).map((e) => `${name}: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}
