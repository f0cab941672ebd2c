import type { ModelVersionsTable, RegisteredModelsTable } from '../store/schema.js';
import type { AliasStore } from './alias-store.js';
import type { ModelStore } from './model-store.js';
import type { ModelVersion, RegisteredModel, Stage } from './types.js';
import type { VersionStore } from './version-store.js';

/** Turns rows into entities, loading tags and aliases for many at once. */
export class EntityLoader {
  constructor(
    private readonly models: ModelStore,
    private readonly versions: VersionStore,
    private readonly aliases: AliasStore,
  ) {}

  async versionsOf(rows: ModelVersionsTable[]): Promise<ModelVersion[]> {
    const keys = rows.map((r) => ({ name: r.name, version: r.version }));
    const [tags, aliases] = await Promise.all([this.versions.tags(keys), this.aliases.forModels([...new Set(keys.map((k) => k.name))])]);
    return rows.map((row) => {
      const version = row.version;
      return {
        name: row.name,
        version,
        source: row.source,
        runId: row.run_id,
        runLink: row.run_link,
        description: row.description,
        status: 'READY',
        statusMessage: row.status_message,
        currentStage: row.current_stage as Stage,
        creationTime: row.creation_time,
        lastUpdatedTime: row.last_updated_time,
        userId: row.user_id,
        artifactDigest: row.artifact_digest,
        signature: row.signature,
        modelId: row.model_id ?? null,
        tags: tags.get(`${row.name}/${version}`) ?? {},
        aliases: (aliases.get(row.name) ?? []).filter((a) => a.version === version).map((a) => a.alias),
      };
    });
  }

  async modelsOf(rows: RegisteredModelsTable[]): Promise<RegisteredModel[]> {
    const names = rows.map((r) => r.name);
    const [tags, aliases, latest] = await Promise.all([this.models.tags(names), this.aliases.forModels(names), this.versions.latestPerStage(names)]);
    const latestVersions = await this.versionsOf(latest);
    return rows.map((row) => ({
      name: row.name,
      description: row.description,
      creationTime: row.creation_time,
      lastUpdatedTime: row.last_updated_time,
      tags: tags.get(row.name) ?? {},
      aliases: aliases.get(row.name) ?? [],
      latestVersions: latestVersions.filter((v) => v.name === row.name),
    }));
  }
}
