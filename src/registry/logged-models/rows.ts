import type { LoggedModelsTable } from '../../store/schema.js';
import type { LoggedModelStore } from './logged-model-store.js';
import type { LoggedModel, LoggedModelStatus } from './types.js';

type Children = Awaited<ReturnType<LoggedModelStore['children']>>;

/** Rows and their children into LoggedModel entities, in the order of the rows. */
export function toLoggedModels(rows: LoggedModelsTable[], children: Children): LoggedModel[] {
  const group = <T extends { model_id: string | null }>(list: T[]) => {
    const map = new Map<string, T[]>();
    for (const item of list) if (item.model_id) map.set(item.model_id, [...(map.get(item.model_id) ?? []), item]);
    return map;
  };
  const [params, tags, files, metrics, versions] = [group(children.params), group(children.tags), group(children.files), group(children.metrics), group(children.versions)];
  return rows.map((row) => ({
    modelId: row.model_id,
    experimentId: row.experiment_id,
    name: row.name,
    artifactLocation: row.artifact_location,
    creationTime: row.creation_time,
    lastUpdatedTime: row.last_updated_time,
    status: row.status as LoggedModelStatus,
    statusMessage: row.status_message,
    lifecycleStage: row.lifecycle_stage as LoggedModel['lifecycleStage'],
    modelType: row.model_type,
    sourceRunId: row.source_run_id,
    artifactDigest: row.artifact_digest,
    environmentDigest: row.environment_digest,
    params: Object.fromEntries((params.get(row.model_id) ?? []).map((p) => [p.key, p.value])),
    tags: Object.fromEntries((tags.get(row.model_id) ?? []).map((t) => [t.key, t.value])),
    files: (files.get(row.model_id) ?? []).map((f) => ({ path: f.path, digest: f.digest, size: f.size, mediaType: f.media_type })),
    metrics: (metrics.get(row.model_id) ?? []).map((m) => ({
      key: m.key,
      value: m.is_nan ? Number.NaN : m.value,
      timestamp: m.timestamp,
      step: m.step,
      runId: m.run_id,
      modelId: m.model_id,
      datasetName: m.dataset_name || null,
      datasetDigest: m.dataset_digest || null,
    })),
    registrations: (versions.get(row.model_id) ?? []).map((v) => ({ name: v.name, version: Number(v.version) })),
  }));
}
