import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { invalidArgument } from '../../errors.js';
import type { DeploymentsTable } from '../../store/schema.js';
import { matcher } from '../code/globs.js';

/** What a Kubernetes Deployment (a manifest on disk, or `kubectl get -o json`) says it runs. */
export interface RunningDeployment {
  /** Where it was read: the file, or `kubernetes:NAMESPACE/NAME`. */
  source: string;
  name: string;
  namespace: string | null;
  /** From the label or annotation `ai.threadline/environment`, else null. */
  environment: string | null;
  /** The annotation `ai.threadline/deployment` (ENV#N), else null. */
  deploymentId: string | null;
  image: string | null;
  env: Record<string, string>;
  labels: Record<string, string>;
}

/** Fields compared with the record; only those the running side states are compared (except image). */
const envFields = [
  ['GIT_SHA', 'git_sha'],
  ['THREADLINE_RUN_ID', 'run_id'],
  ['THREADLINE_MODEL', 'model'],
  ['THREADLINE_DEPLOYMENT', 'deployment'],
] as const;

export interface FieldDrift {
  field: string;
  recorded: string | null;
  running: string | null;
}

/** A Deployment object (parsed YAML or JSON) → what it runs; null for other kinds. */
export function readDeploymentObject(doc: unknown, source: string): RunningDeployment | null {
  const obj = doc as { kind?: unknown; metadata?: Record<string, unknown>; spec?: { template?: { spec?: { containers?: unknown[] } } } } | null;
  if (!obj || typeof obj !== 'object' || obj.kind !== 'Deployment') return null;
  const metadata = obj.metadata ?? {};
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  const containers = (obj.spec?.template?.spec?.containers ?? []) as { image?: unknown; env?: { name?: unknown; value?: unknown }[] }[];
  // The model server: the container carrying Threadline's env, else the first.
  const container = containers.find((c) => (c.env ?? []).some((e) => e.name === 'THREADLINE_MODEL' || e.name === 'GIT_SHA')) ?? containers[0];
  const env: Record<string, string> = {};
  for (const e of container?.env ?? []) if (typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
  return {
    source,
    name: typeof metadata.name === 'string' ? metadata.name : '?',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : null,
    environment: labels['ai.threadline/environment'] ?? annotations['ai.threadline/environment'] ?? null,
    deploymentId: annotations['ai.threadline/deployment'] ?? null,
    image: typeof container?.image === 'string' ? container.image : null,
    env,
    labels,
  };
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Every Deployment in a YAML file (multi-document); garbage is an INVALID_ARGUMENT naming the file. */
export function readManifestFile(file: string): RunningDeployment[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw invalidArgument(`${file}: cannot read the manifest: ${(error as Error).message}`);
  }
  const docs = YAML.parseAllDocuments(text);
  const out: RunningDeployment[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw invalidArgument(`${file}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const found = readDeploymentObject(doc.toJS(), file);
    if (found) out.push(found);
  }
  return out;
}

/** A manifest file, a folder (its .yaml/.yml files, recursively) or a glob, relative to `baseDir`. */
export function manifestFiles(spec: string, baseDir: string): string[] {
  const full = path.resolve(baseDir, spec);
  if (!/[*?{]/.test(spec)) {
    if (!fs.existsSync(full)) throw invalidArgument(`manifests: ${full} does not exist`);
    if (fs.statSync(full).isFile()) return [full];
    return walk(full).filter((f) => /\.ya?ml$/.test(f));
  }
  // The folder before the first wildcard is walked; the rest of the pattern is matched below it.
  const parts = full.split('/');
  const firstGlob = parts.findIndex((p) => /[*?{]/.test(p));
  const root = parts.slice(0, firstGlob).join('/') || '/';
  const matches = matcher([parts.slice(firstGlob).join('/')]);
  if (!fs.existsSync(root)) return [];
  return walk(root).filter((f) => matches(path.relative(root, f).split(path.sep).join('/')));
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** What differs between the recorded deployment and what runs; empty when they agree. */
export function driftFromRecord(record: DeploymentsTable, running: RunningDeployment): FieldDrift[] {
  const drift: FieldDrift[] = [];
  if ((record.image_reference ?? null) !== running.image) drift.push({ field: 'image', recorded: record.image_reference, running: running.image });
  const recorded: Record<(typeof envFields)[number][1], string | null> = {
    git_sha: record.git_sha,
    run_id: record.run_id,
    model: `${record.model_name}/${record.model_version}`,
    deployment: record.id,
  };
  for (const [name, field] of envFields) {
    if (!(name in running.env)) continue;
    // The renderer writes '' for an id the record does not have.
    const actual = running.env[name] === '' ? null : running.env[name]!;
    if (actual !== recorded[field]) drift.push({ field: `env.${name}`, recorded: recorded[field], running: actual });
  }
  if (running.deploymentId !== null && running.deploymentId !== record.id && !drift.some((d) => d.field === 'env.THREADLINE_DEPLOYMENT')) {
    drift.push({ field: 'annotation.ai.threadline/deployment', recorded: record.id, running: running.deploymentId });
  }
  return drift;
}

/** The `sha256:…` digest of an image reference `REPO@sha256:…`, else null (a tag only). */
export function imageDigest(reference: string | null): string | null {
  const at = reference?.lastIndexOf('@') ?? -1;
  return reference && at >= 0 ? reference.slice(at + 1) : null;
}
