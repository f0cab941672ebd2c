import { registerDefaultDescriber, type Description, type Describer } from '../lineage/describe.js';
import { LookupStore } from '../lineage/lookup-store.js';
import { formatBytes, formatCount, shortDigest, shortId } from '../lineage/short.js';
import { ExperimentService } from './experiment-service.js';
import { ProvenanceStore } from './provenance-store.js';
import { RunService } from './run-service.js';
import type { RunStatus } from './types.js';

const statusWords: Record<RunStatus, string> = { FINISHED: 'finished ok', FAILED: 'failed', KILLED: 'killed', RUNNING: 'running', SCHEDULED: 'scheduled' };

const describeRuns: Describer = async (ctx, ids) => {
  const runs = new RunService(ctx.store);
  const experimentService = new ExperimentService(ctx.store);
  const summaries = await runs.summaries(ids);
  const experiments = new Map<string, string>();
  for (const experimentId of new Set(summaries.map((s) => s.info.experimentId))) {
    experiments.set(experimentId, await experimentService.get(experimentId).then((e) => e.name, () => experimentId));
  }
  return new Map(
    summaries.map(({ info, tags }) => {
      const external = externalIds(tags);
      const status = statusWords[info.status] + (info.status === 'FAILED' && info.exitCode !== null ? ` (exit ${info.exitCode})` : '');
      const experiment = experiments.get(info.experimentId) ?? info.experimentId;
      const parts = [shortId(info.runId), `"${info.name}"`, experiment === 'Default' ? '' : `experiment ${experiment}`, externalSummary(external), status];
      const facts = { name: info.name, experiment, status: info.status, startTime: info.startTime, endTime: info.endTime, externalIds: external };
      return [info.runId, { summary: parts.filter(Boolean).join('  '), facts }];
    }),
  );
};

/** `threadline.<system>.<key>` tags, as launch-run writes them for CI and orchestrator ids. */
function externalIds(tags: Record<string, string>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(tags)) {
    const match = /^threadline\.(github|gitlab|databricks|airflow)\.(.+)$/.exec(key);
    if (match) (out[match[1]!] ??= {})[match[2]!] = value;
  }
  return out;
}

function externalSummary(external: Record<string, Record<string, string>>): string {
  const { databricks: dbr, github: gh, gitlab: gl, airflow: af } = external;
  return [
    dbr && [dbr.job_id && `job ${dbr.job_id}`, dbr.run_id && `run ${dbr.run_id}`].filter(Boolean).join(' / '),
    gh?.run_id && `github run ${gh.run_id}`,
    gl?.pipeline_id && `gitlab pipeline ${gl.pipeline_id}`,
    af?.dag_id && `airflow ${af.dag_id}${af.dag_run_id ? ` / ${af.dag_run_id}` : ''}`,
  ]
    .filter(Boolean)
    .join(', ');
}

const describeCode: Describer = async (ctx, ids) => {
  const store = new ProvenanceStore(ctx.db);
  const out = new Map<string, Description>();
  for (const id of ids) {
    const code = await store.code(id);
    if (!code) continue;
    // Shown as people read a repo: host/path, without scheme and `.git`.
    const where = code.remoteUrl ? code.remoteUrl.replace(/^[a-z+]+:\/\//, '').replace(/^git@([^:]+):/, '$1/').replace(/\.git$/, '') : code.repoRoot || '(repository not recorded)';
    const state = code.dirty ? `dirty, patch ${shortDigest(code.patchDigest)}` : 'clean';
    out.set(id, { summary: `${where} @ ${code.commitSha.slice(0, 7)} (${state})${code.branch ? `  branch ${code.branch}` : ''}`, facts: { ...code } });
  }
  return out;
};

/** A data version: its URI, digest, rows and size (MLflow's ingest adds what MLflow said about it). */
export const describeDataVersions: Describer = async (ctx, ids) => {
  const runs = new RunService(ctx.store);
  const out = new Map<string, Description>();
  for (const digest of ids) {
    const data = await runs.dataVersion(digest).catch(() => undefined);
    if (!data) continue;
    const rows = data.rowCount === null ? `${data.files.length} files` : `${formatCount(data.rowCount)} rows`;
    // A version known only by what a client said (an MLflow dataset input) has no files to size.
    const size = data.files.length === 0 ? '' : `, ${formatBytes(data.totalSize)}`;
    const facts = { uri: data.uri, digest, format: data.format, rows: data.rowCount, files: data.files.length, totalSize: data.totalSize };
    out.set(digest, { summary: `${data.uri}  ${shortDigest(digest)}  (${data.rowCount === null && data.files.length === 0 ? 'rows not known' : rows}${size})`, facts });
  }
  return out;
};

const describeEnvironments: Describer = async (ctx, ids) => {
  const store = new ProvenanceStore(ctx.db);
  const out = new Map<string, Description>();
  for (const digest of ids) {
    const env = await store.environment(digest);
    if (!env) continue;
    const parts = [
      ...Object.entries(env.runtimes).map(([name, version]) => `${name} ${version}`),
      ...env.lockfiles.map((l) => `${l.path} ${shortDigest(l.digest)}`),
      env.containerImageDigest && `image ${env.containerImageDigest}`,
    ].filter(Boolean);
    const facts = { os: env.os, osRelease: env.osRelease, arch: env.arch, runtimes: env.runtimes, lockfiles: env.lockfiles, containerImageDigest: env.containerImageDigest };
    out.set(digest, { summary: `${parts.join(', ') || env.os}  ${shortDigest(digest)}`, facts });
  }
  return out;
};

const describeArtifacts: Describer = async (ctx, ids) => {
  const lookup = new LookupStore(ctx.db);
  const out = new Map<string, Description>();
  // Chunked: a downstream trace can reach thousands of artifacts.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [uses, sizes] = await Promise.all([lookup.artifactUses(chunk), lookup.blobSizes(chunk)]);
    for (const digest of chunk) {
      const at = uses.filter((u) => u.digest === digest).map((u) => ({ runId: u.runId, path: u.path }));
      const size = sizes.get(digest);
      const where = at.length === 0 ? 'model files (manifest of a run folder)' : `${at[0]!.path} of run ${shortId(at[0]!.runId)}${at.length > 1 ? ` (+${at.length - 1} more)` : ''}`;
      out.set(digest, { summary: `${shortDigest(digest)}${size === undefined ? '' : `  ${formatBytes(size)}`}  ${where}`, facts: { digest, size: size ?? null, paths: at } });
    }
  }
  return out;
};

/** `trace` describes runs and what they ran on and made: their code, data, environment and artifacts. */
export function registerTrackingLineage(): void {
  registerDefaultDescriber('run', describeRuns);
  registerDefaultDescriber('code', describeCode);
  registerDefaultDescriber('data', describeDataVersions);
  registerDefaultDescriber('environment', describeEnvironments);
  registerDefaultDescriber('artifact', describeArtifacts);
}

