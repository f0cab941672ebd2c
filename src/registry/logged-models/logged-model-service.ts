import { randomBytes, randomUUID } from 'node:crypto';
import type { Environment } from '../../capture/types.js';
import { invalidArgument, notFound, parseWith } from '../../errors.js';
import { addEdges } from '../../lineage/edge-store.js';
import type { Edge } from '../../lineage/types.js';
import { modelDigest } from '../artifact-digest.js';
import type { Store } from '../../store/database.js';
import type { LoggedModelsTable } from '../../store/schema.js';
import { ExperimentStore } from '../../tracking/experiment-store.js';
import type { RunService } from '../../tracking/run-service.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import { environmentSchema } from '../../tracking/validation.js';
import { LoggedModelStore } from './logged-model-store.js';
import { toLoggedModels } from './rows.js';
import { searchLoggedModelIds } from './search-store.js';
import type { CreateLoggedModelInput, LoggedModel, LoggedModelFile, LoggedModelStatus, ModelMetricInput, RunModelLink, SearchLoggedModelsInput } from './types.js';
import { createLoggedModelSchema, loggedModelFileSchema, loggedModelParamSchema, loggedModelTagSchema, modelIdPattern, modelMetricLinkSchema } from './validation.js';
import { z } from 'zod';

const modelVersionsTag = 'mlflow.modelVersions';

/**
 * MLflow 3's LoggedModels: created (PENDING) by a run or alone, filled with files through the
 * artifact proxy, finalized READY (its file manifest then gets a digest and lineage edges),
 * registered as model versions. Lineage: logged_model → run (`logged_by`), run → logged_model
 * (`used_model`, model inputs), logged_model → artifact (`packages`, the files' manifest),
 * logged_model → environment (`ran_in`, what its requirement files declare).
 */
export class LoggedModelService {
  private readonly models: LoggedModelStore;
  private readonly experiments: ExperimentStore;
  private readonly provenance: ProvenanceStore;

  constructor(
    private readonly store: Store,
    private readonly runs: RunService,
  ) {
    this.models = new LoggedModelStore(store.db);
    this.experiments = new ExperimentStore(store.db);
    this.provenance = new ProvenanceStore(store.db);
  }

  async create(raw: CreateLoggedModelInput): Promise<LoggedModel> {
    const input = parseWith(createLoggedModelSchema, raw, 'Invalid logged model');
    const experiment = await this.experiments.get(input.experimentId);
    if (!experiment) throw notFound(`No Experiment with id=${input.experimentId} exists`);
    if (experiment.lifecycleStage !== 'active') throw invalidArgument(`The experiment ${input.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`);
    if (input.sourceRunId) await this.runs.info(input.sourceRunId);
    const modelId = `m-${randomUUID().replaceAll('-', '')}`;
    const now = Date.now();
    const row: LoggedModelsTable = {
      model_id: modelId,
      experiment_id: input.experimentId,
      name: input.name ?? `model-${randomBytes(4).toString('hex')}`,
      artifact_location: `${experiment.artifactLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      creation_time: now,
      last_updated_time: now,
      status: 'LOGGED_MODEL_PENDING',
      status_message: null,
      lifecycle_stage: 'active',
      model_type: input.modelType || null,
      source_run_id: input.sourceRunId ?? null,
      artifact_digest: null,
      environment_digest: null,
    };
    await this.models.insert(row, dedupeParams(input.params), input.tags);
    if (input.sourceRunId) await addEdges(this.store.db, [loggedBy(modelId, input.sourceRunId)], now);
    return this.get(modelId);
  }

  async get(modelId: string): Promise<LoggedModel> {
    return (await this.load([(await this.row(modelId)).model_id]))[0]!;
  }

  /** Many models in the order given; unknown or deleted ids are left out. */
  async load(modelIds: readonly string[]): Promise<LoggedModel[]> {
    const rows = (await this.models.getMany(modelIds)).filter((r) => r.lifecycle_stage === 'active');
    const byId = new Map(rows.map((r) => [r.model_id, r]));
    const ordered = modelIds.map((id) => byId.get(id)).filter((r) => r !== undefined);
    return toLoggedModels(ordered, await this.models.children(ordered.map((r) => r.model_id)));
  }

  async finalize(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    if (status === 'LOGGED_MODEL_STATUS_UNSPECIFIED') throw invalidArgument(`Invalid status for logged model ${modelId}: LOGGED_MODEL_STATUS_UNSPECIFIED`);
    await this.row(modelId);
    const now = Date.now();
    let digest: string | null = null;
    if (status === 'LOGGED_MODEL_READY') {
      const model = await this.get(modelId);
      digest = modelDigest(model.files, '') ?? null;
      const edges: Edge[] = digest ? [{ from: { type: 'logged_model', id: modelId }, relation: 'packages', to: { type: 'artifact', id: digest } }] : [];
      await addEdges(this.store.db, edges, now);
    }
    await this.models.update(modelId, { status, artifact_digest: digest, last_updated_time: now });
    return this.get(modelId);
  }

  /** The environment the model declares (its requirements, conda and python_env files). */
  async recordEnvironment(modelId: string, raw: Environment): Promise<void> {
    const environment = parseWith(environmentSchema, raw, 'Invalid environment');
    await this.row(modelId);
    const now = Date.now();
    await this.provenance.saveEnvironment(environment, now);
    await this.models.update(modelId, { environment_digest: environment.digest });
    await addEdges(this.store.db, [{ from: { type: 'logged_model', id: modelId }, relation: 'ran_in', to: { type: 'environment', id: environment.digest } }], now);
  }

  /** The `mlflow.modelVersions` tag MLflow's server keeps on a logged model: the versions made from it. */
  async noteRegistration(modelId: string, name: string, version: number): Promise<void> {
    const model = await this.get(modelId);
    let list: { name: string; version: string }[] = [];
    try {
      const parsed: unknown = JSON.parse(model.tags[modelVersionsTag] ?? '[]');
      if (Array.isArray(parsed)) list = parsed;
    } catch {
      // A hand-set tag that is not JSON is replaced, as MLflow would fail to read it.
    }
    const entry = { name, version: String(version) };
    if (!list.some((e) => e?.name === entry.name && String(e?.version) === entry.version)) list.push(entry);
    await this.models.setTags(modelId, [{ key: modelVersionsTag, value: JSON.stringify(list) }]);
  }

  /** MLflow deletes softly: the model is gone from get and search, its versions stay. */
  async delete(modelId: string): Promise<void> {
    await this.row(modelId);
    await this.models.update(modelId, { lifecycle_stage: 'deleted', last_updated_time: Date.now() });
  }

  async setTags(modelId: string, raw: { key: string; value: string }[]): Promise<void> {
    const tags = parseWith(z.array(loggedModelTagSchema), raw, 'Invalid logged model tags');
    await this.row(modelId);
    await this.models.setTags(modelId, tags);
  }

  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.row(modelId);
    if ((await this.models.deleteTag(modelId, key)) === 0) throw notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
  }

  /** Params are write-once, as in MLflow: the same value again is fine, another is refused. */
  async logParams(modelId: string, raw: { key: string; value: string }[]): Promise<void> {
    const params = dedupeParams(parseWith(z.array(loggedModelParamSchema), raw, 'Invalid logged model params'));
    await this.row(modelId);
    const existing = await this.models.paramsFor(modelId, params.map((p) => p.key));
    for (const p of params) {
      const old = existing.get(p.key);
      if (old !== undefined && old !== p.value) throw invalidArgument(`Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for logged model ID='${modelId}'. Attempted logging new value '${p.value}'.`);
    }
    await this.models.insertParams(this.store.db, modelId, params);
  }

  /** A file uploaded through the artifact proxy under the model's artifact root. */
  async recordFile(modelId: string, raw: LoggedModelFile): Promise<void> {
    const file = parseWith(loggedModelFileSchema, raw, 'Invalid logged model file');
    await this.row(modelId);
    await this.models.putFile(modelId, file);
    await this.models.update(modelId, { last_updated_time: Date.now() });
  }

  async files(modelId: string): Promise<LoggedModelFile[]> {
    return (await this.get(modelId)).files;
  }

  async removeFiles(modelId: string, path: string): Promise<number> {
    await this.row(modelId);
    return this.models.removeFiles(modelId, path);
  }

  async search(input: SearchLoggedModelsInput): Promise<{ models: LoggedModel[]; nextPageToken?: string }> {
    const { ids, nextPageToken } = await searchLoggedModelIds(this.store, input);
    const models = await this.load(ids);
    return nextPageToken ? { models, nextPageToken } : { models };
  }

  /** Refuses model and dataset fields the store cannot hold; call before the run's own logging. */
  checkMetricLinks(metrics: readonly ModelMetricInput[]): void {
    for (const m of metrics) parseWith(modelMetricLinkSchema, { modelId: m.modelId, datasetName: m.datasetName, datasetDigest: m.datasetDigest }, 'Invalid metric');
  }

  /** The model-linked copies of metrics a run logs with a model_id (log-metric, log-batch). */
  async logMetrics(runId: string, metrics: ModelMetricInput[]): Promise<void> {
    this.checkMetricLinks(metrics);
    const linked = metrics.filter((m) => m.modelId);
    if (linked.length === 0) return;
    await this.runs.info(runId);
    await this.models.insertMetrics(
      linked.map((m) => ({
        model_id: m.modelId!,
        run_id: runId,
        key: m.key,
        // MLflow stores NaN as 0 with a flag, and ±Infinity as the largest doubles.
        value: Number.isNaN(m.value) ? 0 : m.value === Infinity ? Number.MAX_VALUE : m.value === -Infinity ? -Number.MAX_VALUE : m.value,
        is_nan: Number.isNaN(m.value) ? 1 : 0,
        timestamp: m.timestamp,
        step: m.step,
        dataset_name: m.datasetName ?? '',
        dataset_digest: m.datasetDigest ?? '',
      })),
    );
  }

  /** A run's metric series with the model and dataset each point was logged against. */
  async metricHistory(runId: string, key: string): Promise<ModelMetricInput[]> {
    const [history, links] = await Promise.all([this.runs.metricHistory(runId, key), this.models.metricsOfRun(runId, key)]);
    const same = (a: { timestamp: number; step: number }, b: { timestamp: number; step: number }) => Number(a.timestamp) === b.timestamp && Number(a.step) === b.step;
    return history.map((m) => {
      const link = links.find((l) => same(l, m) && (l.is_nan ? Number.isNaN(m.value) : l.value === m.value || !Number.isFinite(m.value)));
      if (!link) return m;
      return { ...m, modelId: link.model_id, ...(link.dataset_name && { datasetName: link.dataset_name }), ...(link.dataset_digest && { datasetDigest: link.dataset_digest }) };
    });
  }

  /** runs/outputs and the model inputs of runs/log-inputs; the run must be active, the models must exist. */
  async linkRun(runId: string, links: RunModelLink[]): Promise<void> {
    const info = await this.runs.info(runId);
    if (info.lifecycleStage !== 'active') throw invalidArgument(`The run ${runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`);
    for (const link of links) await this.row(link.modelId);
    await this.models.addRunModels(runId, links);
    const edges = links.map((l): Edge => (l.direction === 'output' ? loggedBy(l.modelId, runId) : { from: { type: 'run', id: runId }, relation: 'used_model', to: { type: 'logged_model', id: l.modelId } }));
    await addEdges(this.store.db, edges);
  }

  runLinks(runIds: readonly string[]): Promise<Map<string, RunModelLink[]>> {
    return this.models.runModels(runIds);
  }

  private async row(modelId: string): Promise<LoggedModelsTable> {
    const row = typeof modelId === 'string' && modelIdPattern.test(modelId) ? await this.models.get(modelId) : undefined;
    if (!row || row.lifecycle_stage !== 'active') throw notFound(`Logged model with ID '${String(modelId)}' not found.`, { modelId });
    return row;
  }
}

function loggedBy(modelId: string, runId: string): Edge {
  return { from: { type: 'logged_model', id: modelId }, relation: 'logged_by', to: { type: 'run', id: runId } };
}

/** Within one request the last value of a key wins (MLflow would fail on its primary key). */
function dedupeParams(params: { key: string; value: string }[]): { key: string; value: string }[] {
  return [...new Map(params.map((p) => [p.key, p.value]))].map(([key, value]) => ({ key, value }));
}
