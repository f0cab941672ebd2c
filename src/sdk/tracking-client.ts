import { Readable } from 'node:stream';
import { normalizeArtifactPath } from '../artifact-path.js';
import type { BlobInfo } from '../artifacts/types.js';
import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';
import { readWithProgress } from '../progress.js';
import type { TrackingApi } from '../tracking/api.js';
import type { CreateRunInput, EndStaleRunsInput, Experiment, LifecycleStage, ListRunsQuery, LogBatchInput, Metric, Run, RunArtifact, RunInfo, UpdateRunInput } from '../tracking/types.js';
import type { HttpTransport } from './http.js';

/** The tracking part of the contract, and the SDK's shorthands for one metric, params or tags. */
export interface TrackingClient extends TrackingApi {
  logMetric(runId: string, key: string, value: number, step?: number, timestamp?: number): Promise<void>;
  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void>;
  setTags(runId: string, tags: Record<string, string>): Promise<void>;
}

/** Experiments, runs, provenance, blobs and artifacts over HTTP. */
export function trackingClient(http: HttpTransport): TrackingClient {
  const client: TrackingClient = {
    /**
     * @example
     * const { experimentId } = await tl.ensureExperiment('amazon-recommender');
     */
    ensureExperiment(name: string): Promise<Experiment> {
      return http.call('PUT', `/api/experiments/by-name/${encodeURIComponent(name)}`);
    },

    /**
     * @example
     * const all = await tl.listExperiments('all'); // active and deleted
     */
    async listExperiments(view: LifecycleStage | 'all' = 'active'): Promise<Experiment[]> {
      return (await http.call<{ experiments: Experiment[] }>('GET', `/api/experiments?view=${view}`)).experiments;
    },

    /**
     * @example
     * const run = await tl.createRun({ experimentName: 'amazon-recommender', name: 'nightly', tags: { team: 'reco' } });
     */
    createRun(input: CreateRunInput & { experimentName?: string }): Promise<RunInfo> {
      return http.call('POST', '/api/runs', input);
    },

    /**
     * @example
     * const { info, params, metrics, code, io } = await tl.getRun('01a2f3'); // a run id or its prefix
     */
    getRun(runIdOrPrefix: string): Promise<Run> {
      return http.call('GET', `/api/runs/${encodeURIComponent(runIdOrPrefix)}`);
    },

    /**
     * @example
     * const runs = await tl.listRuns({ experimentIds: ['1'], limit: 20 });
     */
    async listRuns(query: ListRunsQuery = {}): Promise<RunInfo[]> {
      const params = new URLSearchParams();
      for (const id of query.experimentIds ?? []) params.append('experiment', id);
      if (query.lifecycle) params.set('view', query.lifecycle);
      if (query.limit) params.set('limit', String(query.limit));
      return (await http.call<{ runs: RunInfo[] }>('GET', `/api/runs?${params}`)).runs;
    },

    /**
     * @example
     * await tl.updateRun(runId, { status: 'FINISHED', endTime: Date.now() });
     */
    updateRun(runId: string, changes: UpdateRunInput): Promise<RunInfo> {
      return http.call('PATCH', `/api/runs/${runId}`, changes, undefined, 'json', true);
    },

    /**
     * @example
     * const { running } = await tl.heartbeatRun(runId); // false once the run was ended or reaped
     */
    heartbeatRun(runId: string): Promise<{ running: boolean }> {
      return http.call('POST', `/api/runs/${runId}/heartbeat`);
    },

    /**
     * @example
     * const ended = await tl.endStaleRuns({ olderThanMs: 15 * 60_000 });
     */
    async endStaleRuns(input: EndStaleRunsInput): Promise<string[]> {
      return (await http.call<{ ended: string[] }>('POST', '/api/runs/end-stale', input)).ended;
    },

    /**
     * @example
     * await tl.logBatch(runId, { params: [{ key: 'lr', value: '0.01' }], metrics: [{ key: 'auc', value: 0.91, step: 3, timestamp: Date.now() }] });
     */
    async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
      // Params, tags and metric points are keyed by their content: sending a batch twice stores it once.
      await http.call('POST', `/api/runs/${runId}/batch`, batch, undefined, 'json', true);
    },

    /**
     * One metric point; `step` defaults to 0 and the timestamp to now.
     *
     * @example
     * await tl.logMetric(runId, 'precision_at_10', 0.31, 2);
     */
    logMetric(runId: string, key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
      return client.logBatch(runId, { metrics: [{ key, value, step, timestamp }] });
    },

    /**
     * @example
     * await tl.logParams(runId, { lr: 0.01, epochs: 10 });
     */
    logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
      return client.logBatch(runId, { params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })) });
    },

    /**
     * @example
     * await tl.setTags(runId, { stage: 'candidate' });
     */
    setTags(runId: string, tags: Record<string, string>): Promise<void> {
      return client.logBatch(runId, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
    },

    /**
     * @example
     * const points = await tl.metricHistory(runId, 'loss'); // every step, in order
     */
    async metricHistory(runId: string, key: string): Promise<Metric[]> {
      return (await http.call<{ metrics: Metric[] }>('GET', `/api/runs/${runId}/metrics/${encodeURIComponent(key)}`)).metrics;
    },

    /**
     * @example
     * await tl.recordCode(runId, await captureCode(process.cwd(), { storePatch }));
     */
    async recordCode(runId: string, code: CodeVersion): Promise<void> {
      await http.call('PUT', `/api/runs/${runId}/code`, code);
    },

    /**
     * @example
     * await tl.recordEnvironment(runId, await captureEnvironment({ cwd: process.cwd() }));
     */
    async recordEnvironment(runId: string, environment: Environment): Promise<void> {
      await http.call('PUT', `/api/runs/${runId}/environment`, environment);
    },

    /**
     * @example
     * await tl.recordData(runId, 'input', 'data/orders.csv', await captureData('data/orders.csv'));
     */
    async recordData(runId: string, direction: 'input' | 'output', name: string, data: DataVersion): Promise<void> {
      await http.call('POST', `/api/runs/${runId}/data`, { direction, name, data }, undefined, 'json', true);
    },

    /**
     * @example
     * const { digest, size } = await tl.putBlob(fs.createReadStream('model.onnx'));
     */
    putBlob(bytes: Uint8Array | string | NodeJS.ReadableStream): Promise<BlobInfo> {
      return http.call('PUT', '/api/blobs', undefined, { body: bytes });
    },

    /**
     * A stored blob's bytes, e.g. a run's dirty patch; whole in memory, so small blobs only.
     *
     * @example
     * const patch = (await tl.readBlob(run.code.patchDigest)).toString('utf8');
     */
    readBlob(digest: string): Promise<Buffer> {
      return http.call('GET', `/api/blobs/${encodeURIComponent(digest)}`, undefined, undefined, 'bytes');
    },

    /**
     * A stored blob's bytes streamed, e.g. a model file to package into an image.
     *
     * @example
     * (await tl.openBlob(artifact.digest)).pipe(fs.createWriteStream('model.onnx'));
     */
    openBlob(digest: string): Promise<NodeJS.ReadableStream> {
      return http.stream(`/api/blobs/${encodeURIComponent(digest)}`);
    },

    /**
     * @example
     * const { files, rowCount, schema } = await tl.getDataVersion('sha256:77e0…');
     */
    getDataVersion(digest: string): Promise<DataVersion> {
      return http.call('GET', `/api/data/${encodeURIComponent(digest)}`);
    },

    /**
     * @example
     * await tl.uploadArtifact(runId, 'model/model.onnx', 'out/model.onnx', 'application/octet-stream');
     */
    async uploadArtifact(runId: string, path: string, filePath: string, mediaType?: string): Promise<RunArtifact> {
      // Checked here as the embedded API checks it: URL parsing would resolve a `..` before the server saw it.
      const encoded = normalizeArtifactPath(path).split('/').map(encodeURIComponent).join('/');
      const query = mediaType ? `?mediaType=${encodeURIComponent(mediaType)}` : '';
      return http.call('PUT', `/api/runs/${runId}/artifacts/${encoded}${query}`, undefined, { body: () => Readable.from(readWithProgress(filePath, `uploading ${path}`)) });
    },

    /**
     * @example
     * const files = await tl.listArtifacts(runId); // path, digest, size, media type
     */
    async listArtifacts(runId: string): Promise<RunArtifact[]> {
      return (await http.call<{ artifacts: RunArtifact[] }>('GET', `/api/runs/${runId}/artifacts`)).artifacts;
    },
  };
  return client;
}
