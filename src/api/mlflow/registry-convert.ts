import type { ModelVersion, RegisteredModel } from '../../registry/types.js';
import { keyValues } from './convert.js';

/**
 * Registry entities in MLflow's JSON (model_registry.proto): versions as strings, times as
 * `*_timestamp`, tags as [{key, value}]; unset fields and empty lists left out, as protobuf does.
 */
export function toMlflowModelVersion(v: ModelVersion): Record<string, unknown> {
  return compact({
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTime,
    last_updated_timestamp: v.lastUpdatedTime,
    user_id: v.userId,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: v.status,
    status_message: v.statusMessage,
    tags: keyValues(v.tags),
    run_link: v.runLink,
    aliases: v.aliases,
    model_id: v.modelId,
  });
}

export function toMlflowRegisteredModel(m: RegisteredModel): Record<string, unknown> {
  return compact({
    name: m.name,
    creation_timestamp: m.creationTime,
    last_updated_timestamp: m.lastUpdatedTime,
    description: m.description,
    latest_versions: m.latestVersions.map(toMlflowModelVersion),
    tags: keyValues(m.tags),
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  });
}

export function compact(message: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(message).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)));
}
