import type { Threadline } from '../../context.js';
import type { LoggedModel, ModelMetricInput } from '../../registry/logged-models/types.js';
import { keyValues } from './convert.js';
import { compact } from './registry-convert.js';

/**
 * LoggedModels in MLflow's JSON (service.proto LoggedModel): `info` with the attributes, tags and
 * registrations, `data` with params and linked metrics; unset fields and empty lists left out.
 */
export function toMlflowLoggedModel(m: LoggedModel): Record<string, unknown> {
  const info = compact({
    model_id: m.modelId,
    experiment_id: m.experimentId,
    name: m.name,
    creation_timestamp_ms: m.creationTime,
    last_updated_timestamp_ms: m.lastUpdatedTime,
    artifact_uri: m.artifactLocation,
    status: m.status,
    model_type: m.modelType,
    source_run_id: m.sourceRunId,
    status_message: m.statusMessage,
    tags: keyValues(m.tags),
    registrations: m.registrations.map((r) => ({ name: r.name, version: String(r.version) })),
  });
  const metrics = m.metrics.map((x) =>
    compact({ key: x.key, value: x.value, timestamp: x.timestamp, step: x.step, dataset_name: x.datasetName, dataset_digest: x.datasetDigest, model_id: x.modelId, run_id: x.runId }),
  );
  return { info, data: compact({ params: keyValues(m.params), metrics }) };
}

/** A run-history point with the model and dataset it was logged against, when it was. */
export function toMlflowModelMetric(m: ModelMetricInput): Record<string, unknown> {
  return compact({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, dataset_name: m.datasetName, dataset_digest: m.datasetDigest, model_id: m.modelId });
}

/** Adds MLflow 3's `inputs.model_inputs` and `outputs.model_outputs` to converted runs. */
export async function withModelLinks<T extends Record<string, unknown>>(tl: Threadline, runs: T[]): Promise<T[]> {
  const ids = runs.map((r) => (r.info as { run_id: string }).run_id);
  const links = await tl.loggedModels.runLinks(ids);
  return runs.map((run, i) => {
    const mine = links.get(ids[i]!) ?? [];
    if (mine.length === 0) return run;
    const inputs = mine.filter((l) => l.direction === 'input').map((l) => ({ model_id: l.modelId }));
    const outputs = mine.filter((l) => l.direction === 'output').map((l) => ({ model_id: l.modelId, step: l.step }));
    return {
      ...run,
      inputs: { ...(run.inputs as object), ...(inputs.length > 0 && { model_inputs: inputs }) },
      ...(outputs.length > 0 && { outputs: { model_outputs: outputs } }),
    };
  });
}
