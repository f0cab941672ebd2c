import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';
import { invalidArgument, notFound, parseWith } from '../errors.js';
import { newRunId, runIdPattern } from '../ids.js';
import { addEdges, removeEdges } from '../lineage/edge-store.js';
import { resolveIdWith, runResolver } from '../lineage/resolve.js';
import type { Store } from '../store/database.js';
import { AuditLog, type AuditSink } from '../identity/audit-log.js';
import { actorOf } from '../identity/request-context.js';
import { ExperimentStore } from './experiment-store.js';
import { ProvenanceStore } from './provenance-store.js';
import { RunDataStore } from './run-data-store.js';
import { RunStore } from './run-store.js';
import { endReasonTag, reproducesTag } from './run-tags.js';
import { SecretEntries } from './secret-entries.js';
import type { CreateRunInput, EndStaleRunsInput, LifecycleStage, ListRunsQuery, LogBatchInput, Metric, Run, RunArtifact, RunInfo, RunSummary, UpdateRunInput } from './types.js';
import { codeVersionSchema, createRunSchema, dataVersionSchema, environmentSchema, keySchema, logBatchSchema, updateRunSchema } from './validation.js';

/** Runs: their lifecycle, what they logged, and what they ran on. */
/** Files of each data input shown with a run; the whole manifest is at `GET /api/data/:digest`. */
export const manifestLimit = 1000;

/**
 * Links a run's input to datasets that other systems reported (OpenLineage ingest): tracking knows
 * nothing of them, so the app context plugs the linker in.
 */
export interface InputDatasetLinker {
  linkInput(runId: string, inputName: string, dataUri: string, now: number): Promise<void>;
}

export class RunService {
  private readonly runs: RunStore;
  private readonly data: RunDataStore;
  private readonly provenance: ProvenanceStore;
  private readonly experiments: ExperimentStore;
  private readonly secrets = new SecretEntries();

  constructor(
    private readonly store: Store,
    private readonly inputLinker?: InputDatasetLinker,
    private readonly audit: AuditSink = new AuditLog(store),
  ) {
    this.runs = new RunStore(store.db);
    this.data = new RunDataStore(store.db);
    this.provenance = new ProvenanceStore(store.db);
    this.experiments = new ExperimentStore(store.db);
  }

  async create(raw: CreateRunInput = {}): Promise<RunInfo> {
    const input = parseWith(createRunSchema, raw, 'Invalid run') as CreateRunInput;
    const experimentId = input.experimentId ?? '0';
    const experiment = await this.experiments.get(experimentId);
    if (!experiment) throw notFound(`No Experiment with id=${experimentId} exists`);
    if (experiment.lifecycleStage !== 'active') throw invalidArgument(`Experiment ${experimentId} is deleted: restore it before creating runs in it.`);
    const status = input.status ?? 'RUNNING';
    const runId = newRunId();
    const tags = { ...(input.tags ?? {}) };
    // MLflow keeps the run name in a tag too; clients read either.
    const name = input.name || tags['mlflow.runName'] || defaultRunName(runId);
    tags['mlflow.runName'] = name;
    // Behind authentication the run is the caller's, whatever the client says.
    const userId = actorOf(input.userId || tags['mlflow.user']);
    await this.data.transaction(async (trx) => {
      await this.runs.insert(
        {
          run_id: runId,
          experiment_id: experimentId,
          name,
          status,
          user_id: userId,
          start_time: input.startTime ?? Date.now(),
          end_time: null,
          lifecycle_stage: 'active',
          deleted_time: null,
          artifact_uri: `${experiment.artifactLocation.replace(/\/$/, '')}/${runId}/artifacts`,
          command: input.command ? JSON.stringify(this.secrets.command(input.command)) : null,
          working_dir: input.workingDir ?? null,
          exit_code: null,
          code_version_id: null,
          environment_digest: null,
          last_heartbeat: input.heartbeat ? Date.now() : null,
        },
        trx,
      );
      await this.data.upsertTags(trx, runId, this.secrets.redact(Object.entries(tags).map(([key, value]) => ({ key, value }))));
      await this.audit.record({ action: 'run.create', subjectType: 'run', subjectId: runId, after: { experiment_id: experimentId, name, status } }, trx);
    });
    // The edge follows the tag so that a reproduction started against a server links up too.
    const original = tags[reproducesTag];
    if (original && runIdPattern.test(original)) {
      await addEdges(this.store.db, [{ from: { type: 'run', id: runId }, relation: 'reproduces', to: { type: 'run', id: original } }]);
    }
    return (await this.runs.get(runId))!;
  }

  async info(runId: string): Promise<RunInfo> {
    if (!runIdPattern.test(runId)) throw notFound(`Run '${runId}' not found`);
    const info = await this.runs.get(runId);
    if (!info) throw notFound(`Run '${runId}' not found`);
    return info;
  }

  async get(runId: string): Promise<Run> {
    const info = await this.info(runId);
    const [params, metrics, tags, io, artifacts, code, environment] = await Promise.all([
      this.data.params(runId),
      this.data.latestMetrics(runId),
      this.data.tags(runId),
      this.provenance.io(runId),
      this.provenance.artifacts(runId),
      info.codeVersionId ? this.provenance.code(info.codeVersionId) : undefined,
      info.environmentDigest ? this.provenance.environment(info.environmentDigest) : undefined,
    ]);
    const manifests = await this.provenance.manifests(io.filter((i) => i.kind === 'data').map((i) => i.ref), manifestLimit);
    const ioWithFiles = io.map((i) => {
      const manifest = i.kind === 'data' ? manifests.get(i.ref) : undefined;
      return manifest ? { ...i, manifest: manifest.files, ...(manifest.truncated && { manifestTruncated: true }) } : i;
    });
    return { info, params, metrics, tags, io: ioWithFiles, artifacts, code: code ?? null, environment: environment ?? null };
  }

  /** Info, params, latest metrics and tags of many runs in a few queries, in the order given; unknown ids are left out. */
  async summaries(runIds: readonly string[]): Promise<RunSummary[]> {
    const infos: RunInfo[] = [];
    // Chunked: SQLite binds at most 32,766 parameters, and search pages hold up to 50,000 runs.
    for (let i = 0; i < runIds.length; i += 1000) infos.push(...(await this.runs.getMany(runIds.slice(i, i + 1000))));
    const data = await this.data.dataOfRuns(infos.map((info) => info.runId));
    return infos.map((info) => ({ info, ...data.get(info.runId)! }));
  }

  /** A full run id from what people type: the whole id, its short form (the last 8 hex) or a unique prefix. */
  async resolveId(typed: string): Promise<string> {
    const id = typed.trim().toLowerCase();
    if (runIdPattern.test(id)) return (await this.info(id)).runId;
    return resolveIdWith(runResolver, { db: this.store.db }, typed, 'Run');
  }

  async list(query: ListRunsQuery = {}): Promise<RunInfo[]> {
    if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 50_000)) throw invalidArgument(`limit must be a whole number from 1 to 50000, got '${query.limit}'`);
    return this.runs.list({ experimentIds: query.experimentIds, lifecycle: query.lifecycle ?? 'active', limit: query.limit ?? 100 });
  }

  async update(runId: string, raw: UpdateRunInput): Promise<RunInfo> {
    const changes = parseWith(updateRunSchema, raw, 'Invalid run update') as UpdateRunInput;
    const before = await this.info(runId);
    const status = changes.status;
    const columns = {
      ...(status && { status }),
      ...(changes.endTime !== undefined && { end_time: changes.endTime }),
      ...(changes.name && { name: changes.name }),
      ...(changes.exitCode !== undefined && { exit_code: changes.exitCode }),
    };
    // An update that names nothing to change changes nothing (an empty SET is not SQL).
    if (Object.keys(columns).length > 0) await this.runs.update(runId, columns);
    if (changes.name) await this.data.upsertTags(this.store.db, runId, [{ key: 'mlflow.runName', value: changes.name }]);
    const after = await this.info(runId);
    // The lifecycle is audited (status, end, rename); metrics and params are the run's own record.
    if (before.status !== after.status || before.endTime !== after.endTime || before.name !== after.name) {
      await this.audit.record({ action: 'run.update', subjectType: 'run', subjectId: runId, before: { status: before.status, end_time: before.endTime, name: before.name }, after: { status: after.status, end_time: after.endTime, name: after.name } });
    }
    return after;
  }

  /** The writer is alive. Answers whether the run is still RUNNING (a reaped run stays ended). */
  async heartbeat(runId: string): Promise<{ running: boolean }> {
    await this.info(runId);
    return { running: await this.runs.heartbeat(runId, Date.now()) };
  }

  /**
   * Ends RUNNING runs whose writer stopped heartbeating `olderThanMs` ago as KILLED, with the
   * reason in a tag. Runs that never beat (MLflow clients) are left alone unless asked for.
   * Safe to run on several replicas at once: each run is ended by one of them.
   */
  async endStale(input: EndStaleRunsInput): Promise<string[]> {
    const olderThanMs = input.olderThanMs;
    if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) throw invalidArgument('olderThanMs must be a non-negative number of milliseconds');
    const now = Date.now();
    const ended: string[] = [];
    for (const stale of await this.runs.stale(now - olderThanMs, input.includeUnmonitored === true, 1000)) {
      if (!(await this.runs.endIfStale(stale.runId, stale.lastHeartbeat, 'KILLED', now))) continue;
      const reason =
        stale.lastHeartbeat === null
          ? `ended by threadline: RUNNING with no heartbeat, started over ${Math.round(olderThanMs / 1000)} s before`
          : `ended by threadline: no heartbeat since ${new Date(stale.lastHeartbeat).toISOString()} (timeout ${Math.round(olderThanMs / 1000)} s); its writer stopped`;
      await this.data.upsertTags(this.store.db, stale.runId, [{ key: endReasonTag, value: reason }]);
      await this.audit.record({ action: 'run.end_stale', subjectType: 'run', subjectId: stale.runId, before: { status: 'RUNNING' }, after: { status: 'KILLED', reason } });
      ended.push(stale.runId);
    }
    return ended;
  }

  async setLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    const before = await this.info(runId);
    await this.runs.update(runId, { lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null });
    await this.audit.record({ action: stage === 'deleted' ? 'run.delete' : 'run.restore', subjectType: 'run', subjectId: runId, before: { lifecycle_stage: before.lifecycleStage }, after: { lifecycle_stage: stage } });
  }

  /** Params, metrics and tags in one transaction: all of a batch lands, or none of it. */
  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const parsed = parseWith(logBatchSchema, batch, 'Invalid batch');
    const { metrics } = parsed;
    const params = this.secrets.redact(parsed.params);
    const tags = this.secrets.redact(parsed.tags);
    await this.requireActive(runId);
    await this.data.transaction(async (trx) => {
      if (params.length > 0) {
        const seen = new Map<string, string>();
        for (const p of params) {
          const prior = seen.get(p.key);
          if (prior !== undefined && prior !== p.value) throw paramChanged(runId, p.key, prior, p.value);
          seen.set(p.key, p.value);
        }
        const existing = await this.data.paramsFor(trx, runId, [...seen.keys()]);
        for (const [key, value] of seen) {
          const old = existing.get(key);
          if (old !== undefined && old !== value) throw paramChanged(runId, key, old, value);
        }
        await this.data.insertParams(trx, runId, params);
      }
      if (metrics.length > 0) await this.data.insertMetrics(trx, runId, metrics);
      if (tags.length > 0) await this.data.upsertTags(trx, runId, tags);
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    parseWith(keySchema, key, 'Invalid tag key');
    await this.requireActive(runId);
    if ((await this.data.deleteTag(runId, key)) === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
  }

  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    await this.info(runId);
    return this.data.metricHistory(runId, key);
  }

  async recordCode(runId: string, raw: CodeVersion): Promise<void> {
    const code = parseWith(codeVersionSchema, raw, 'Invalid code version');
    const info = await this.info(runId);
    const now = Date.now();
    await this.provenance.saveCode(code, now);
    await this.runs.update(runId, { code_version_id: code.id });
    const run = { type: 'run' as const, id: runId };
    // A run ran on one checkout: a newer record (an MLflow tag changed, a backfill) replaces the link.
    if (info.codeVersionId && info.codeVersionId !== code.id) await removeEdges(this.store.db, [{ from: run, relation: 'used_code', to: { type: 'code', id: info.codeVersionId } }]);
    await addEdges(this.store.db, [{ from: run, relation: 'used_code', to: { type: 'code', id: code.id } }], now);
  }

  async recordEnvironment(runId: string, raw: Environment): Promise<void> {
    const environment = parseWith(environmentSchema, raw, 'Invalid environment');
    const info = await this.info(runId);
    const now = Date.now();
    await this.provenance.saveEnvironment(environment, now);
    await this.runs.update(runId, { environment_digest: environment.digest });
    const run = { type: 'run' as const, id: runId };
    if (info.environmentDigest && info.environmentDigest !== environment.digest) {
      await removeEdges(this.store.db, [{ from: run, relation: 'ran_in', to: { type: 'environment', id: info.environmentDigest } }]);
    }
    await addEdges(this.store.db, [{ from: run, relation: 'ran_in', to: { type: 'environment', id: environment.digest } }], now);
  }

  /** A DataVersion the run read (`input`) or wrote (`output`), under the name the user gave it. */
  async recordData(runId: string, direction: 'input' | 'output', name: string, raw: DataVersion): Promise<void> {
    const data = parseWith(dataVersionSchema, raw, 'Invalid data version');
    if (direction !== 'input' && direction !== 'output') throw invalidArgument("direction must be 'input' or 'output'");
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument('a data record needs the name it was given');
    await this.info(runId);
    const now = Date.now();
    await this.provenance.saveData(data, now);
    await this.provenance.addIo(runId, { direction, kind: 'data', name, ref: data.digest }, now);
    const run = { type: 'run' as const, id: runId };
    const dataRef = { type: 'data' as const, id: data.digest };
    await addEdges(
      this.store.db,
      [direction === 'input' ? { from: run, relation: 'read', to: dataRef } : { from: dataRef, relation: 'produced_by', to: run }],
      now,
    );
    if (direction === 'input') await this.inputLinker?.linkInput(runId, name, data.uri, now);
  }

  /** A blob already in the artifact store, attached to the run at `artifact.path`. */
  async recordArtifact(runId: string, artifact: RunArtifact): Promise<void> {
    const now = Date.now();
    await this.provenance.saveBlob(artifact.digest, artifact.size, artifact.mediaType, now);
    await this.provenance.addArtifact(runId, artifact, now);
    await addEdges(this.store.db, [{ from: { type: 'artifact', id: artifact.digest }, relation: 'produced_by', to: { type: 'run', id: runId } }], now);
  }

  async removeArtifacts(runId: string, path: string): Promise<number> {
    await this.requireActive(runId);
    return this.provenance.removeArtifacts(runId, path);
  }

  async artifacts(runId: string): Promise<RunArtifact[]> {
    await this.info(runId);
    return this.provenance.artifacts(runId);
  }

  async dataVersion(digest: string): Promise<DataVersion> {
    const data = await this.provenance.data(digest);
    if (!data) throw notFound(`Data version ${digest} not found`);
    return data;
  }

  private async requireActive(runId: string): Promise<RunInfo> {
    const info = await this.info(runId);
    if (info.lifecycleStage !== 'active') {
      throw invalidArgument(`The run ${runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`);
    }
    return info;
  }
}

function paramChanged(runId: string, key: string, oldValue: string, newValue: string) {
  return invalidArgument(
    `Changing param values is not allowed. Param with key='${key}' was already logged with value='${oldValue}' for run ID='${runId}'. Attempted logging new value '${newValue}'.`,
  );
}

function defaultRunName(runId: string): string {
  return `run-${runId.slice(-8)}`;
}
