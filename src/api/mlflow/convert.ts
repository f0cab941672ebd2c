import type { Experiment, Metric, RunInfo, RunSummary } from '../../tracking/types.js';
import { datasetInputsFromTags, isDatasetTag } from '../../ingest-mlflow/dataset-inputs.js';
import { invalidParameter } from './errors.js';
import type { Fields } from './request.js';

/**
 * Domain types to MLflow's JSON and back. MLflow serialises protobuf messages, which leave out
 * unset fields and empty repeated fields; we do the same so responses compare equal.
 */
export interface KeyValue {
  key: string;
  value: string;
}

export function keyValues(map: Record<string, string>): KeyValue[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

/** `[{key, value}]` from a request into a map; later duplicates win, as successive set-tag calls would. */
export function keyValueMap(list: Fields[], what: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of list) map[keyOf(entry, what)] = valueOf(entry, what);
  return map;
}

export function keyValueList(list: Fields[], what: string): KeyValue[] {
  return list.map((entry) => ({ key: keyOf(entry, what), value: valueOf(entry, what) }));
}

function keyOf(entry: Fields, what: string): string {
  if (typeof entry.key !== 'string' || entry.key === '') throw invalidParameter(`Missing value for required parameter '${what}.key'.`);
  return entry.key;
}

function valueOf(entry: Fields, what: string): string {
  const value = entry.value ?? '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw invalidParameter(`Invalid value for '${what}.value' of key '${String(entry.key)}': expected a string.`);
  return value;
}

/** Leaves out empty lists, as protobuf's JSON does. */
function withList<T extends object>(target: T, name: string, list: unknown[]): T {
  if (list.length > 0) (target as Record<string, unknown>)[name] = list;
  return target;
}

export function toMlflowExperiment(e: Experiment): Record<string, unknown> {
  return withList(
    {
      experiment_id: e.experimentId,
      name: e.name,
      artifact_location: e.artifactLocation,
      lifecycle_stage: e.lifecycleStage,
      last_update_time: e.lastUpdateTime,
      creation_time: e.creationTime,
    },
    'tags',
    keyValues(e.tags),
  );
}

export function toMlflowRunInfo(info: RunInfo): Record<string, unknown> {
  return {
    run_id: info.runId,
    // Deprecated in MLflow but still sent, and read by older clients.
    run_uuid: info.runId,
    run_name: info.name,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime !== null && { end_time: info.endTime }),
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
}

export function toMlflowMetric(m: Metric): Metric {
  return { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
}

export function toMlflowRun(run: RunSummary): Record<string, unknown> {
  const visibleTags = Object.fromEntries(Object.entries(run.tags).filter(([key]) => !isDatasetTag(key)));
  const data = {};
  withList(data, 'metrics', Object.values(run.metrics).map(toMlflowMetric));
  withList(data, 'params', keyValues(run.params));
  withList(data, 'tags', keyValues(visibleTags));
  return { info: toMlflowRunInfo(run.info), data, inputs: withList({}, 'dataset_inputs', datasetInputsFromTags(run.tags)) };
}
