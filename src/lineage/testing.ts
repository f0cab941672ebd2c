import { createHash } from 'node:crypto';
import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';
import { ModelService } from '../registry/model-service.js';
import type { Store } from '../store/database.js';
import { ExperimentService } from '../tracking/experiment-service.js';
import { RunService } from '../tracking/run-service.js';
import { registerTrackingLineage } from '../tracking/describe.js';
import { registerModelVersionLineage } from '../registry/describe.js';

/** The services `trace` needs, over a test store. */
export function servicesOf(store: Store) {
  registerTrackingLineage();
  registerModelVersionLineage();
  const runs = new RunService(store);
  return { store, runs, experiments: new ExperimentService(store), models: new ModelService(store, runs) };
}

export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function codeVersion(commitSha: string, patch: string | null = null, remoteUrl: string | null = 'https://github.com/acme/reco.git'): CodeVersion {
  return { id: digestOf(`${remoteUrl}|${commitSha}|${patch}`), repoRoot: '/src/reco', remoteUrl, commitSha, branch: 'main', dirty: patch !== null, patchDigest: patch === null ? null : digestOf(patch) };
}

export function dataVersion(uri: string, content: string, rowCount = 3): DataVersion {
  const file = { path: 'orders.csv', size: content.length, digest: digestOf(content) };
  return { digest: digestOf(`manifest ${file.digest}`), uri, format: 'csv', files: [file], totalSize: file.size, rowCount, schema: [{ name: 'user', type: 'string' }] };
}

export function environment(python = '3.11.7'): Environment {
  const lockfiles = [{ path: 'requirements.txt', digest: digestOf(`reqs ${python}`) }];
  return { digest: digestOf(`env ${python}`), os: 'linux', osRelease: 'Debian 12', arch: 'x64', runtimes: { python, node: '20.19.0' }, lockfiles, pythonPackages: null, containerImageDigest: null, envVarNames: [], envVars: {} };
}

/** A run that read `data` at `code` in `env`, wrote `model/model.json`, registered as `name`'s next version. */
export async function trainedModel(tl: ReturnType<typeof servicesOf>, name: string, parts: { code: CodeVersion; data: DataVersion; env: Environment; weights: string; tags?: Record<string, string> }) {
  const run = await tl.runs.create({ name: `train-${name}`, tags: parts.tags });
  await tl.runs.recordCode(run.runId, parts.code);
  await tl.runs.recordEnvironment(run.runId, parts.env);
  await tl.runs.recordData(run.runId, 'input', 'orders.csv', parts.data);
  const weights = digestOf(parts.weights);
  await tl.runs.recordArtifact(run.runId, { path: 'model/model.json', digest: weights, size: parts.weights.length, mediaType: 'application/json' });
  await tl.runs.update(run.runId, { status: 'FINISHED', endTime: Date.now(), exitCode: 0 });
  const version = await tl.models.register({ name, runId: run.runId, artifactPath: 'model' });
  return { runId: run.runId, version, weights };
}
