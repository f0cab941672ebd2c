import { normalizeArtifactPath } from '../artifact-path.js';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { TraceOptions, TraceResult } from '../lineage/trace-types.js';
import type { EventInput, ListEventsQuery, ObserverEvent } from '../observe/events/types.js';
import type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from '../serving/types.js';
import type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput } from '../registry/types.js';
import type { CreateRunInput, EndStaleRunsInput, LifecycleStage, ListRunsQuery, LogBatchInput, UpdateRunInput } from '../tracking/types.js';
import type { ListValidationsQuery, RecordValidationInput, Validation } from '../validate/types.js';
import type { Deployment, DeploySubject, RecordDeploymentInput, RollbackPlan, UpdateDeploymentInput } from '../release/deploy/types.js';
import type { ImageFilter, ImageRecord, RecordImageInput } from '../release/image-types.js';
import { ThreadlineApiError } from './errors.js';
import { isTransient, retryFromEnv, withRetry, type RetryPolicy } from './retry.js';
import type { BackfillQuery, BackfillReport, BlobInfo, CodeVersion, DataVersion, Environment, Experiment, LoggedModel, Metric, Run, RunArtifact, RunInfo, ThreadlineApi } from './types.js';
import { readWithProgress } from '../progress.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Typed client for Threadline's native HTTP API. Keeps connections alive across calls.
 *
 * @example
 * const tl = new ThreadlineClient(process.env.THREADLINE_URL!);
 * const runId = process.env.THREADLINE_RUN_ID!;
 * await tl.logMetric(runId, 'precision_at_10', 0.31);
 */
export class ThreadlineClient implements ThreadlineApi {
  readonly location: string;
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });
  private readonly retry: RetryPolicy;
  /** Whether any call has reached the server: connection failures are retried only after that. */
  private reached = false;

  /**
   * Idempotent calls (reads, PUT, DELETE, and the writes that are idempotent by design) are
   * retried with backoff across a short outage: `retry.timeoutMs` (THREADLINE_RETRY_TIMEOUT,
   * default 30 s) in all. Creating calls (a run, an event) are not: a retry could make two.
   */
  constructor(baseUrl: string, options: { retry?: Partial<RetryPolicy> } = {}) {
    this.location = baseUrl.replace(/\/+$/, '');
    this.retry = { ...retryFromEnv(), ...options.retry };
  }

  ensureExperiment(name: string): Promise<Experiment> {
    return this.call('PUT', `/api/experiments/by-name/${encodeURIComponent(name)}`);
  }

  async listExperiments(view: LifecycleStage | 'all' = 'active'): Promise<Experiment[]> {
    return (await this.call<{ experiments: Experiment[] }>('GET', `/api/experiments?view=${view}`)).experiments;
  }

  createRun(input: CreateRunInput & { experimentName?: string }): Promise<RunInfo> {
    return this.call('POST', '/api/runs', input);
  }

  getRun(runIdOrPrefix: string): Promise<Run> {
    return this.call('GET', `/api/runs/${encodeURIComponent(runIdOrPrefix)}`);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunInfo[]> {
    const params = new URLSearchParams();
    for (const id of query.experimentIds ?? []) params.append('experiment', id);
    if (query.lifecycle) params.set('view', query.lifecycle);
    if (query.limit) params.set('limit', String(query.limit));
    return (await this.call<{ runs: RunInfo[] }>('GET', `/api/runs?${params}`)).runs;
  }

  updateRun(runId: string, changes: UpdateRunInput): Promise<RunInfo> {
    return this.call('PATCH', `/api/runs/${runId}`, changes, undefined, 'json', true);
  }

  heartbeatRun(runId: string): Promise<{ running: boolean }> {
    return this.call('POST', `/api/runs/${runId}/heartbeat`);
  }

  async endStaleRuns(input: EndStaleRunsInput): Promise<string[]> {
    return (await this.call<{ ended: string[] }>('POST', '/api/runs/end-stale', input)).ended;
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    // Params, tags and metric points are keyed by their content: sending a batch twice stores it once.
    await this.call('POST', `/api/runs/${runId}/batch`, batch, undefined, 'json', true);
  }

  /** One metric point; `step` defaults to 0 and the timestamp to now. */
  logMetric(runId: string, key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    return this.logBatch(runId, { metrics: [{ key, value, step, timestamp }] });
  }

  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    return this.logBatch(runId, { params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })) });
  }

  setTags(runId: string, tags: Record<string, string>): Promise<void> {
    return this.logBatch(runId, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  }

  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    return (await this.call<{ metrics: Metric[] }>('GET', `/api/runs/${runId}/metrics/${encodeURIComponent(key)}`)).metrics;
  }

  async recordCode(runId: string, code: CodeVersion): Promise<void> {
    await this.call('PUT', `/api/runs/${runId}/code`, code);
  }

  async recordEnvironment(runId: string, environment: Environment): Promise<void> {
    await this.call('PUT', `/api/runs/${runId}/environment`, environment);
  }

  async recordData(runId: string, direction: 'input' | 'output', name: string, data: DataVersion): Promise<void> {
    await this.call('POST', `/api/runs/${runId}/data`, { direction, name, data }, undefined, 'json', true);
  }

  putBlob(bytes: Uint8Array | string | NodeJS.ReadableStream): Promise<BlobInfo> {
    return this.call('PUT', '/api/blobs', undefined, { body: bytes });
  }

  /** A stored blob's bytes, e.g. a run's dirty patch; whole in memory, so small blobs only. */
  readBlob(digest: string): Promise<Buffer> {
    return this.call('GET', `/api/blobs/${encodeURIComponent(digest)}`, undefined, undefined, 'bytes');
  }

  /** A stored blob's bytes streamed, e.g. a model file to package into an image. */
  async openBlob(digest: string): Promise<NodeJS.ReadableStream> {
    const url = `${this.location}/api/blobs/${encodeURIComponent(digest)}`;
    let response;
    try {
      response = await request(url, { method: 'GET', dispatcher: this.agent });
    } catch (error) {
      throw new ThreadlineApiError('UNAVAILABLE', `cannot reach Threadline at ${this.location}: ${(error as Error).message}`, 0);
    }
    if (response.statusCode < 400) return response.body;
    throw apiError(response.statusCode, await response.body.text());
  }

  getDataVersion(digest: string): Promise<DataVersion> {
    return this.call('GET', `/api/data/${encodeURIComponent(digest)}`);
  }

  async uploadArtifact(runId: string, path: string, filePath: string, mediaType?: string): Promise<RunArtifact> {
    // Checked here as the embedded API checks it: URL parsing would resolve a `..` before the server saw it.
    const encoded = normalizeArtifactPath(path).split('/').map(encodeURIComponent).join('/');
    const query = mediaType ? `?mediaType=${encodeURIComponent(mediaType)}` : '';
    return this.call('PUT', `/api/runs/${runId}/artifacts/${encoded}${query}`, undefined, { body: () => Readable.from(readWithProgress(filePath, `uploading ${path}`)) });
  }

  async listArtifacts(runId: string): Promise<RunArtifact[]> {
    return (await this.call<{ artifacts: RunArtifact[] }>('GET', `/api/runs/${runId}/artifacts`)).artifacts;
  }

  createModel(input: CreateModelInput): Promise<RegisteredModel> {
    return this.call('POST', '/api/models', input);
  }

  getModel(name: string): Promise<RegisteredModel> {
    return this.call('GET', `/api/models/${encodeURIComponent(name)}`);
  }

  /**
   * Registered models matching an MLflow filter.
   *
   * @example
   * const { items } = await tl.searchModels({ filter: "name LIKE 'reco%'" });
   */
  async searchModels(search: SearchInput = {}): Promise<Page<RegisteredModel>> {
    const page = await this.call<{ models: RegisteredModel[]; nextPageToken?: string }>('GET', `/api/models?${searchQuery(search)}`);
    return pageOf(page.models, page.nextPageToken);
  }

  /**
   * Registers a run's artifact path as the model's next version (the model is created when missing).
   *
   * @example
   * const v = await tl.registerModel({ name: 'amazon-recommender', runId, artifactPath: 'model', tags: { DBR_RUN_ID: '777' } });
   */
  registerModel(input: RegisterInput): Promise<ModelVersion> {
    const { name, ...body } = input;
    return this.call('POST', `/api/models/${encodeURIComponent(name)}/versions`, body);
  }

  createModelVersion(input: CreateVersionInput): Promise<ModelVersion> {
    const { name, ...body } = input;
    return this.call('POST', `/api/models/${encodeURIComponent(name)}/versions`, body);
  }

  getModelVersion(name: string, version: number | string): Promise<ModelVersion> {
    return this.call('GET', `/api/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(String(version))}`);
  }

  /**
   * The version a reference points at.
   *
   * @example
   * const champion = await tl.resolveModel('amazon-recommender@champion');
   */
  resolveModel(ref: string): Promise<ModelVersion> {
    return this.call('GET', `/api/models/resolve/${encodeURIComponent(ref)}`);
  }

  /**
   * An MLflow 3 logged model with its files (path, digest, size), params, tags and metrics.
   *
   * @example
   * const { files, sourceRunId } = await tl.getLoggedModel('m-0193c1f2…');
   */
  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.call('GET', `/api/logged-models/${encodeURIComponent(modelId)}`);
  }

  /**
   * Model versions matching an MLflow filter.
   *
   * @example
   * const { items } = await tl.searchModelVersions({ filter: "name='amazon-recommender' and tag.DBR_RUN_ID = '777'" });
   */
  async searchModelVersions(search: SearchInput = {}): Promise<Page<ModelVersion>> {
    const page = await this.call<{ versions: ModelVersion[]; nextPageToken?: string }>('GET', `/api/model-versions?${searchQuery(search)}`);
    return pageOf(page.versions, page.nextPageToken);
  }

  /**
   * Points an alias at a version; the move is recorded with `actor`.
   *
   * @example
   * await tl.setModelAlias('amazon-recommender', 'champion', 7, 'alice');
   */
  setModelAlias(name: string, alias: string, version: number | string, actor?: string): Promise<ModelVersion> {
    return this.call('PUT', `/api/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`, { version, actor });
  }

  async deleteModelAlias(name: string, alias: string, actor?: string): Promise<void> {
    const query = actor ? `?actor=${encodeURIComponent(actor)}` : '';
    await this.call('DELETE', `/api/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}${query}`);
  }

  async modelHistory(name: string): Promise<AliasMove[]> {
    return (await this.call<{ history: AliasMove[] }>('GET', `/api/models/${encodeURIComponent(name)}/history`)).history;
  }

  /**
   * The lineage thread from an id: upstream to what made it, or downstream to what came from it.
   *
   * @example
   * const { nodes } = await tl.trace('amazon-recommender@champion');
   * const { counts } = await tl.trace('sha256:77e0…', { direction: 'downstream' }); // { run: 2, model_version: 1, … }
   */
  trace(id: string, options: TraceOptions = {}): Promise<TraceResult> {
    const params = new URLSearchParams({ id });
    if (options.direction) params.set('direction', options.direction);
    if (options.depth !== undefined) params.set('depth', String(options.depth));
    if (options.type) params.set('type', options.type);
    return this.call('GET', `/api/lineage/trace?${params}`);
  }

  async listPredictions(query: ListPredictionsQuery = {}): Promise<Prediction[]> {
    const params = new URLSearchParams();
    if (query.deploymentId) params.set('deployment', query.deploymentId);
    if (query.since !== undefined) params.set('since', String(query.since));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return (await this.call<{ predictions: Prediction[] }>('GET', `/api/predictions?${params}`)).predictions;
  }

  recordEvent(event: EventInput): Promise<ObserverEvent> {
    return this.call('POST', '/api/events', event);
  }

  async listEvents(query: ListEventsQuery = {}): Promise<ObserverEvent[]> {
    const params = new URLSearchParams();
    for (const key of ['stage', 'kind', 'severity', 'source'] as const) if (query[key] !== undefined) params.set(key, String(query[key]));
    if (query.since !== undefined) params.set('since', String(query.since));
    if (query.subject) params.set('subject', `${query.subject.type}:${query.subject.id}`);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return (await this.call<{ events: ObserverEvent[] }>('GET', `/api/events?${params}`)).events;
  }

  getEvent(id: string): Promise<ObserverEvent> {
    return this.call('GET', `/api/events/${encodeURIComponent(id)}`);
  }

  getPrediction(id: string): Promise<PredictionDetail> {
    return this.call('GET', `/api/predictions/${encodeURIComponent(id)}`);
  }

  recordFeedback(predictionId: string, feedback: unknown): Promise<Feedback> {
    return this.call('POST', `/api/predictions/${encodeURIComponent(predictionId)}/feedback`, feedback);
  }

  importFeedback(filePath: string): Promise<FeedbackImport> {
    const format = /\.csv$/i.test(filePath) ? 'csv' : 'jsonl';
    return this.call('POST', `/api/feedback?format=${format}`, undefined, { body: fs.createReadStream(filePath) });
  }

  /** Recorded images, newest first: all, of a model (version), of a run, or with a digest. */
  async listImages(filter: ImageFilter = {}): Promise<ImageRecord[]> {
    const params = new URLSearchParams();
    if (filter.modelName !== undefined) params.set('model', filter.modelName);
    if (filter.modelVersion !== undefined) params.set('version', String(filter.modelVersion));
    if (filter.runId !== undefined) params.set('run', filter.runId);
    if (filter.reference !== undefined) params.set('reference', filter.reference);
    if (filter.digest !== undefined) params.set('digest', filter.digest);
    return (await this.call<{ images: ImageRecord[] }>('GET', `/api/images?${params}`)).images;
  }

  getImage(referenceOrDigest: string): Promise<ImageRecord> {
    return this.call('GET', `/api/images/${encodeURIComponent(referenceOrDigest)}`);
  }

  /**
   * Records an image (built by you, or by `threadline image build` here) as carrying a model version.
   *
   * @example
   * await tl.recordImage({ reference: 'ghcr.io/acme/reco:run-777@sha256:9f1c…', model: 'reco/7' });
   */
  recordImage(input: RecordImageInput): Promise<ImageRecord> {
    return this.call('POST', '/api/images', input);
  }

  resolveDeploySubject(ref: string): Promise<DeploySubject> {
    return this.call('GET', `/api/deployments/resolve?${new URLSearchParams({ ref })}`);
  }

  planRollback(environment: string, by: { runId?: string; to?: number } = {}): Promise<RollbackPlan> {
    const params = new URLSearchParams();
    if (by.runId !== undefined) params.set('run', by.runId);
    if (by.to !== undefined) params.set('to', String(by.to));
    return this.call('GET', `/api/environments/${encodeURIComponent(environment)}/rollback?${params}`);
  }

  /**
   * Records deployment ENV#N, e.g. from a CD system that deployed the image itself.
   *
   * @example
   * const d = await tl.recordDeployment({ environment: 'prod', target: 'command', image: 'ghcr.io/acme/reco@sha256:9f1c…', actor: 'argo' });
   */
  recordDeployment(input: RecordDeploymentInput): Promise<Deployment> {
    return this.call('POST', '/api/deployments', input);
  }

  updateDeployment(id: string, change: UpdateDeploymentInput): Promise<Deployment> {
    return this.call('PATCH', `/api/deployments/${encodeURIComponent(id)}`, change);
  }

  async listDeployments(environment?: string): Promise<Deployment[]> {
    const query = environment === undefined ? '' : `?${new URLSearchParams({ environment })}`;
    return (await this.call<{ deployments: Deployment[] }>('GET', `/api/deployments${query}`)).deployments;
  }

  getDeployment(id: string): Promise<Deployment> {
    return this.call('GET', `/api/deployments/${encodeURIComponent(id)}`);
  }

  /**
   * Records a suite result computed next to the data (`threadline validate` does this).
   *
   * @example
   * const v = await tl.recordValidation({ data, suiteName: 'orders', suiteDigest, result });
   */
  recordValidation(input: RecordValidationInput): Promise<Validation> {
    return this.call('POST', '/api/validations', input);
  }

  async listValidations(query: ListValidationsQuery = {}): Promise<Validation[]> {
    const params = new URLSearchParams();
    if (query.data) params.set('data', query.data);
    if (query.suite) params.set('suite', query.suite);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return (await this.call<{ validations: Validation[] }>('GET', `/api/validations?${params}`)).validations;
  }

  getValidation(id: string): Promise<Validation> {
    return this.call('GET', `/api/validations/${encodeURIComponent(id)}`);
  }

  /**
   * Runs MLflow clients logged before the server turned their tags, inputs and model files into
   * code, data, environment and external ids: turned now. Idempotent.
   *
   * @example
   * const report = await tl.backfillMlflow({ experimentIds: ['1'] }); // { runs: 12, changedRuns: 3, code: 3, … }
   */
  backfillMlflow(query: BackfillQuery = {}): Promise<BackfillReport> {
    return this.call('POST', '/api/mlflow/backfill', query);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private call<T = void>(
    method: Method,
    path: string,
    json?: unknown,
    raw?: { body: RawBody | (() => RawBody) },
    responseType: 'json' | 'bytes' = 'json',
    idempotent = method === 'GET' || method === 'PUT' || method === 'DELETE',
  ): Promise<T> {
    const once = () => this.callOnce<T>(method, path, json, raw, responseType);
    // A stream can be sent once; a retry needs a factory that opens it again.
    const replayable = !raw || typeof raw.body === 'function' || typeof raw.body === 'string' || raw.body instanceof Uint8Array;
    if (!idempotent || !replayable || this.retry.timeoutMs <= 0) return once();
    return withRetry(this.retry, once, (error) => isTransient(error, this.reached));
  }

  private async callOnce<T>(method: Method, path: string, json: unknown, raw: { body: RawBody | (() => RawBody) } | undefined, responseType: 'json' | 'bytes'): Promise<T> {
    const headers: Record<string, string> = {};
    let body: RawBody | undefined;
    if (raw) {
      headers['content-type'] = 'application/octet-stream';
      body = typeof raw.body === 'function' ? raw.body() : raw.body;
    } else if (json !== undefined || method === 'POST') {
      // A body-less POST goes as `{}`: the server refuses POSTs a browser could send cross-site unasked.
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json ?? {}, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    }
    let response;
    try {
      response = await request(this.location + path, { method, headers, body: body as never, dispatcher: this.agent });
    } catch (error) {
      throw new ThreadlineApiError('UNAVAILABLE', `cannot reach Threadline at ${this.location}: ${(error as Error).message}`, 0);
    }
    this.reached = true;
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      // The server went away mid-answer (a replica killed): as unreachable, so it is retried.
      throw new ThreadlineApiError('UNAVAILABLE', `Threadline at ${this.location} broke off its answer: ${(error as Error).message}`, 0);
    }
    const text = bytes.toString('utf8');
    if (response.statusCode >= 400) throw apiError(response.statusCode, text);
    if (responseType === 'bytes') return bytes as T;
    return (text ? JSON.parse(text, reviveNonFinite) : undefined) as T;
  }
}

type RawBody = Uint8Array | string | NodeJS.ReadableStream;

/** The server's `{error_code, message}` as an error (or the status line when not JSON). */
function apiError(status: number, text: string): ThreadlineApiError {
  let parsed: { error_code?: string; message?: string } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the status line
  }
  return new ThreadlineApiError(parsed.error_code ?? 'INTERNAL', parsed.message ?? `HTTP ${status}`, status);
}

function searchQuery(search: SearchInput): URLSearchParams {
  const params = new URLSearchParams();
  if (search.filter) params.set('filter', search.filter);
  if (search.maxResults !== undefined) params.set('maxResults', String(search.maxResults));
  if (search.pageToken) params.set('pageToken', search.pageToken);
  for (const clause of search.orderBy ?? []) params.append('orderBy', clause);
  return params;
}

function pageOf<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}

function reviveNonFinite(key: string, value: unknown): unknown {
  if (key === 'value' && (value === 'NaN' || value === 'Infinity' || value === '-Infinity')) return Number(value);
  return value;
}
