import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ThreadlineError } from '../../errors.js';
import { runArtifactSource } from '../../registry/artifact-digest.js';
import type { RegistryApi } from '../../registry/api.js';
import type { ModelVersion } from '../../registry/types.js';
import type { TrackingApi } from '../../tracking/api.js';
import type { Run, RunArtifact } from '../../tracking/types.js';

/** What serving a model reads of the record: the version, its run or logged model, and their files. */
export type ModelSourceApi = Pick<RegistryApi, 'resolveModel' | 'getLoggedModel'> & Pick<TrackingApi, 'getRun' | 'readBlob'>;
import { startProgress } from '../../progress.js';
import { parseModel } from '../proxy/identity.js';

/** A model on local disk, ready to serve, with what its responses are stamped with. */
export interface ServedModel {
  name: string;
  version: number | null;
  dir: string;
  runId: string | null;
  gitSha: string | null;
}

const marker = '.threadline-digest';

/**
 * `name@alias`, `name/3` or a folder → the model's files in `$THREADLINE_HOME/models/<name>/<version>/`,
 * copied from its run's artifacts under the version's source path, each checked against its
 * digest. A folder already there with the same model digest is reused.
 */
export async function materializeModel(api: ModelSourceApi, ref: string, home: string, env: NodeJS.ProcessEnv = process.env): Promise<ServedModel> {
  if (fs.existsSync(ref) && fs.statSync(ref).isDirectory()) return folderModel(ref, env);
  const version = await api.resolveModel(ref);
  const { files, run, owner } = await sourceFiles(api, version);
  const dir = path.join(home, 'models', version.name, String(version.version));
  const served = { name: version.name, version: version.version, dir, runId: run?.info.runId ?? null, gitSha: run ? (run.code?.commitSha ?? run.tags.GIT_SHA ?? null) : null };
  if (version.artifactDigest && readMarker(dir) === version.artifactDigest) return served;

  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const progress = startProgress(`downloading ${version.name}/${version.version}`, files.reduce((sum, f) => sum + f.size, 0));
  for (const { relative, ...file } of files) {
    const bytes = await api.readBlob(file.digest);
    progress.advance(bytes.byteLength);
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== file.digest) throw new ThreadlineError('INTERNAL', `artifact ${file.path} of ${owner} is corrupt: expected ${file.digest}, read ${actual}`);
    const target = path.join(staging, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  progress.end();
  if (version.artifactDigest) fs.writeFileSync(path.join(staging, marker), version.artifactDigest);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.renameSync(staging, dir);
  return served;
}

/**
 * A folder knows nothing of its model: a model image's `/model`, say. What the image says of it
 * (THREADLINE_MODEL as `name/version`, THREADLINE_RUN_ID or run_id, GIT_SHA or git_sha) is its
 * identity; without it, the folder's name and no version.
 */
function folderModel(ref: string, env: NodeJS.ProcessEnv): ServedModel {
  const dir = path.resolve(ref);
  const model = parseModel(env.THREADLINE_MODEL);
  return { name: model.name ?? path.basename(dir), version: model.version, dir, runId: env.THREADLINE_RUN_ID || env.run_id || null, gitSha: env.GIT_SHA || env.git_sha || null };
}

/**
 * Where a version's files are: an MLflow 3 logged model's files (`models:/<model_id>`), or its
 * run's artifacts under the `runs:/` source path; each with its path inside the served folder.
 */
async function sourceFiles(api: ModelSourceApi, version: ModelVersion): Promise<{ files: (RunArtifact & { relative: string })[]; run: Run | undefined; owner: string }> {
  const run = version.runId ? await api.getRun(version.runId) : undefined;
  if (version.modelId) {
    const logged = await api.getLoggedModel(version.modelId);
    if (logged.files.length === 0) throw new ThreadlineError('NOT_FOUND', `logged model ${version.modelId} has no files`);
    return { files: logged.files.map((f) => ({ ...f, relative: f.path })), run, owner: `logged model ${version.modelId}` };
  }
  const source = runArtifactSource(version);
  if (!source || !run) throw new ThreadlineError('FAILED_PRECONDITION', `${version.name}/${version.version} comes from '${version.source}', not from a run's artifacts: only those can be served`);
  const folder = source.path.replace(/^\/+|\/+$/g, '');
  const files = run.artifacts.filter((a) => a.path === folder || folder === '' || a.path.startsWith(`${folder}/`));
  if (files.length === 0) throw new ThreadlineError('NOT_FOUND', `run ${run.info.runId} has no artifacts under '${folder}'`);
  const relative = (p: string) => (p === folder ? path.basename(folder) : p.slice(folder === '' ? 0 : folder.length + 1));
  return { files: files.map((f) => ({ ...f, relative: relative(f.path) })), run, owner: `run ${run.info.runId}` };
}

function readMarker(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, marker), 'utf8');
  } catch {
    return undefined;
  }
}
