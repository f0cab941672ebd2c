import { stripUserInfo } from '../../capture/redact.js';
import type { ModelVersion } from '../../registry/types.js';
import type { Run } from '../../tracking/types.js';

/** Where the model is served from, and how, inside the image. */
export const servePort = 8080;
export const serveScript = `#!/bin/sh
# Serves the model in /model with Threadline's traced server (answers carry run_id and git_sha),
# on every address of the container: a pod's port is reached from outside it.
exec threadline serve /model --host "\${THREADLINE_SERVE_HOST:-0.0.0.0}" --port "\${PORT:-${servePort}}" "$@"
`;
export const entrypoint = ['/threadline/serve.sh'];

export interface ImageMetadata {
  env: Record<string, string>;
  labels: Record<string, string>;
  runId: string | null;
  gitSha: string | null;
}

/**
 * The env vars and labels that tie an image to its model version, run and commit: the OCI
 * annotations, Threadline's, and the lowercase `run_id`/`git_sha` the seed's app reads.
 */
export function imageMetadata(version: ModelVersion, run: Run | undefined, created: string): ImageMetadata {
  const runId = version.runId;
  const gitSha = run?.code?.commitSha ?? null;
  const model = `${version.name}/${version.version}`;
  const env: Record<string, string> = { THREADLINE_MODEL: model };
  const labels: Record<string, string> = { 'org.opencontainers.image.created': created, 'ai.threadline.model': model };
  if (runId) {
    Object.assign(env, { THREADLINE_RUN_ID: runId, run_id: runId });
    labels['ai.threadline.run-id'] = runId;
  }
  if (gitSha) {
    Object.assign(env, { GIT_SHA: gitSha, git_sha: gitSha });
    labels['org.opencontainers.image.revision'] = gitSha;
  }
  if (run?.code?.remoteUrl) labels['org.opencontainers.image.source'] = stripUserInfo(run.code.remoteUrl);
  if (version.artifactDigest) labels['ai.threadline.artifact-digest'] = version.artifactDigest;
  return { env, labels, runId, gitSha };
}

/** Build time: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the version's creation. */
export function buildEpochSeconds(version: ModelVersion, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.SOURCE_DATE_EPOCH;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  return Math.floor(version.creationTime / 1000);
}
