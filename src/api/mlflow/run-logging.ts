import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { withoutCredentials } from '../../ingest-mlflow/tag-names.js';
import { decodePageToken, encodePageToken } from '../../registry/search-filter/index.js';
import type { Metric, Tag } from '../../tracking/types.js';
import type { ModelMetricInput } from '../../registry/logged-models/types.js';
import { keyValueList } from './convert.js';
import { toMlflowModelMetric } from './logged-model-convert.js';
import { invalidParameter } from './errors.js';
import { decodeDouble, fieldsOf, objectList, optionalInt, optionalString, requiredDouble, requiredInt, requiredString, runIdOf, type Fields } from './request.js';

const runNameTag = 'mlflow.runName';

/** MLflow's logging endpoints: metrics, params, tags and batches, all through RunService.logBatch. */
export function runLoggingEndpoints(app: FastifyInstance, tl: Threadline): void {
  const ingest = tl.mlflowIngest;
  /** Tags and a run's name are one thing in MLflow: setting mlflow.runName renames the run. */
  async function followRunName(runId: string, tags: Tag[]): Promise<void> {
    const name = tags.findLast((t) => t.key === runNameTag)?.value;
    if (name) await tl.runs.update(runId, { name });
  }

  app.post('/runs/log-metric', async (request) => {
    const f = fieldsOf(request);
    const runId = runIdOf(f);
    const metric: ModelMetricInput = {
      key: requiredString(f, 'key'),
      value: requiredDouble(f, 'value'),
      timestamp: requiredInt(f, 'timestamp'),
      step: optionalInt(f, 'step') ?? 0,
      ...modelFieldsOf(f),
    };
    tl.loggedModels.checkMetricLinks([metric]);
    await tl.runs.logBatch(runId, { metrics: [plainMetric(metric)] });
    await tl.loggedModels.logMetrics(runId, [metric]);
    return {};
  });

  app.post('/runs/log-parameter', async (request) => {
    const f = fieldsOf(request);
    const runId = runIdOf(f);
    await tl.runs.logBatch(runId, { params: [{ key: requiredString(f, 'key'), value: optionalString(f, 'value') ?? '' }] });
    return {};
  });

  app.post('/runs/set-tag', async (request) => {
    const f = fieldsOf(request);
    const runId = runIdOf(f);
    const tags = withoutCredentials([{ key: requiredString(f, 'key'), value: optionalString(f, 'value') ?? '' }]);
    await tl.runs.logBatch(runId, { tags });
    await followRunName(runId, tags);
    await ingest.tagsSet(runId, tags.map((t) => t.key));
    return {};
  });

  app.post('/runs/delete-tag', async (request) => {
    const f = fieldsOf(request);
    await tl.runs.deleteTag(requiredString(f, 'run_id'), requiredString(f, 'key'));
    return {};
  });

  app.post('/runs/log-batch', async (request) => {
    const f = fieldsOf(request);
    const runId = requiredString(f, 'run_id');
    const metrics = objectList(f, 'metrics').map(metricOf);
    const params = keyValueList(objectList(f, 'params'), 'params');
    const tags = withoutCredentials(keyValueList(objectList(f, 'tags'), 'tags'));
    // One transaction for all three, so MLflow's limits and write-once params hold for the whole batch.
    tl.loggedModels.checkMetricLinks(metrics);
    await tl.runs.logBatch(runId, { metrics: metrics.map(plainMetric), params, tags });
    await tl.loggedModels.logMetrics(runId, metrics);
    await followRunName(runId, tags);
    await ingest.tagsSet(runId, tags.map((t) => t.key));
    return {};
  });

  app.get('/metrics/get-history', async (request) => {
    const f = fieldsOf(request);
    const runId = runIdOf(f);
    const history = await tl.loggedModels.metricHistory(runId, requiredString(f, 'metric_key'));
    const maxResults = optionalInt(f, 'max_results');
    const offset = decodePageToken(optionalString(f, 'page_token'));
    if (maxResults !== undefined && maxResults < 1) throw invalidParameter(`max_results must be positive, got ${maxResults}`);
    // Without max_results MLflow returns the whole series in one answer.
    const end = maxResults === undefined ? history.length : offset + maxResults;
    const metrics = history.slice(offset, end).map(toMlflowModelMetric);
    return {
      ...(metrics.length > 0 && { metrics }),
      ...(end < history.length && { next_page_token: encodePageToken(end) }),
    };
  });
}

/**
 * A Metric message. Values may be "NaN"/"Infinity" strings; timestamp and step default to 0 as
 * protobuf defaults do. Wrong types pass through for the service's schema to name.
 */
function metricOf(m: Fields): ModelMetricInput {
  const int = (name: string) => optionalInt(m, name) ?? 0;
  return { key: m.key as string, value: decodeDouble(m.value) as number, timestamp: int('timestamp'), step: int('step'), ...modelFieldsOf(m) };
}

/** MLflow 3's model_id, dataset_name and dataset_digest of a metric, when sent. */
function modelFieldsOf(m: Fields): Pick<ModelMetricInput, 'modelId' | 'datasetName' | 'datasetDigest'> {
  const modelId = optionalString(m, 'model_id') || undefined;
  const datasetName = optionalString(m, 'dataset_name') || undefined;
  const datasetDigest = optionalString(m, 'dataset_digest') || undefined;
  return { ...(modelId && { modelId }), ...(datasetName && { datasetName }), ...(datasetDigest && { datasetDigest }) };
}

function plainMetric(m: ModelMetricInput): Metric {
  return { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
}
