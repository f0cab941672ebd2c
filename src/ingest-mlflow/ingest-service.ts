import type { ArtifactStore } from '../artifacts/types.js';
import type { Store } from '../store/database.js';
import type { RunService } from '../tracking/run-service.js';
import type { Run, RunArtifact } from '../tracking/types.js';
import { codeVersionFromTags } from './code-from-tags.js';
import { datasetInputsFromTags, type MlflowDatasetInput } from './dataset-inputs.js';
import { MlflowDatasetStore } from './dataset-store.js';
import { dataVersionFromDataset } from './dataset-version.js';
import { externalIdTagsToAdd } from './external-ids-from-tags.js';
import { environmentFromModelFiles, isDeclaredEnvironment, modelEnvironmentFileNames, type ModelEnvironmentFiles } from './model-environment.js';
import { activeRunIdsAfter } from './run-page-store.js';
import { isProvenanceTag } from './tag-names.js';
import type { BackfillQuery, BackfillReport, IngestChanges } from './types.js';

export interface IngestContext {
  store: Store;
  runs: RunService;
  artifacts: ArtifactStore;
}


const loggedModelsTag = 'mlflow.log-model.history';
const none = (): IngestChanges => ({ code: 0, externalIds: 0, data: 0, environment: 0 });

/**
 * What MLflow clients send, turned into the entities `threadline run` records: the run's code
 * version (git tags), its external ids (Databricks and the seed's tags), its data versions
 * (dataset inputs) and its environment (the logged model's requirements). Every step is
 * idempotent and never replaces what a `threadline run` captured on the machine itself.
 */
export class MlflowIngest {
  private readonly datasets: MlflowDatasetStore;

  constructor(private readonly ctx: IngestContext) {
    this.datasets = new MlflowDatasetStore(ctx.store.db);
  }

  /** After tags were set on a run: cheap unless one of them is about code or job ids. */
  async tagsSet(runId: string, keys: readonly string[]): Promise<IngestChanges> {
    if (!keys.some(isProvenanceTag)) return none();
    return this.fromTags(await this.ctx.runs.get(runId));
  }

  /** Code and external ids from the run's tags. */
  async fromTags(run: Run): Promise<IngestChanges> {
    const changes = none();
    const runId = run.info.runId;
    // A code version captured on the machine (repoRoot known) is better than what tags say.
    if (!run.code || run.code.repoRoot === '') {
      const code = await codeVersionFromTags(this.ctx.store.db, run.tags, async (bytes) => (await this.ctx.artifacts.putBytes(bytes)).digest);
      if (code && code.id !== run.info.codeVersionId) {
        await this.ctx.runs.recordCode(runId, code);
        changes.code = 1;
      }
    }
    const tags = externalIdTagsToAdd(run.tags);
    if (tags.length > 0) {
      await this.ctx.runs.logBatch(runId, { tags });
      changes.externalIds = tags.length;
    }
    return changes;
  }

  /** Dataset inputs (`runs/log-inputs`) as data versions the run read. */
  async datasetsLogged(runId: string, inputs: readonly MlflowDatasetInput[], known: Run['io'] = []): Promise<IngestChanges> {
    const changes = none();
    const now = Date.now();
    for (const input of inputs) {
      const ingested = dataVersionFromDataset(input);
      if (known.some((io) => io.direction === 'input' && io.name === ingested.inputName && io.ref === ingested.data.digest)) continue;
      await this.ctx.runs.recordData(runId, 'input', ingested.inputName, ingested.data);
      await this.datasets.save(ingested.record, now);
      changes.data++;
    }
    return changes;
  }

  /** `runs/log-model` (2.x): the model folder is uploaded by then, so its environment files are read. */
  async modelLogged(runId: string, artifactPath: string): Promise<IngestChanges> {
    const run = await this.ctx.runs.get(runId);
    return this.environmentOf(run, [artifactPath]);
  }

  /** A run that ended: a model folder uploaded without `runs/log-model` still gives its environment. */
  async runEnded(runId: string): Promise<IngestChanges> {
    const run = await this.ctx.runs.get(runId);
    if (run.environment) return none();
    return this.environmentOf(run, modelFolders(run));
  }

  /** Everything above for a run already stored. */
  async ingestStored(runId: string): Promise<IngestChanges> {
    const run = await this.ctx.runs.get(runId);
    const fromTags = await this.fromTags(run);
    const data = await this.datasetsLogged(runId, datasetInputsFromTags(run.tags), run.io);
    const environment = await this.environmentOf(run, modelFolders(run));
    return { ...fromTags, data: data.data, environment: environment.environment };
  }

  /**
   * `threadline mlflow backfill`: every active run (of the experiments given) through
   * `ingestStored`, a page of ids at a time. Idempotent: a second pass changes nothing.
   */
  async backfill(query: BackfillQuery = {}): Promise<BackfillReport> {
    const report: BackfillReport = { runs: 0, changedRuns: 0, ...none() };
    for (let after = ''; ; ) {
      const ids = await activeRunIdsAfter(this.ctx.store.db, after, 200, query.experimentIds);
      if (ids.length === 0) return report;
      for (const runId of ids) {
        const changes = await this.ingestStored(runId);
        report.runs++;
        if (changes.code + changes.externalIds + changes.data + changes.environment > 0) report.changedRuns++;
        for (const key of ['code', 'externalIds', 'data', 'environment'] as const) report[key] += changes[key];
      }
      after = ids[ids.length - 1]!;
    }
  }

  /** The environment of the last of `folders` that has environment files. */
  private async environmentOf(run: Run, folders: readonly string[]): Promise<IngestChanges> {
    if (run.environment && !isDeclaredEnvironment(run.environment)) return none();
    for (const folder of [...folders].reverse()) {
      const environment = environmentFromModelFiles(await this.modelFiles(run.artifacts, folder));
      if (!environment) continue;
      if (environment.digest === run.info.environmentDigest) return none();
      await this.ctx.runs.recordEnvironment(run.info.runId, environment);
      return { ...none(), environment: 1 };
    }
    return none();
  }

  private async modelFiles(artifacts: readonly RunArtifact[], folder: string): Promise<ModelEnvironmentFiles> {
    const prefix = folder.replace(/^\/+|\/+$/g, '');
    const files: ModelEnvironmentFiles = {};
    for (const [key, name] of Object.entries(modelEnvironmentFileNames) as [keyof ModelEnvironmentFiles, string][]) {
      const artifact = artifacts.find((a) => a.path === (prefix ? `${prefix}/${name}` : name));
      if (artifact) files[key] = await this.ctx.artifacts.readBytes(artifact.digest);
    }
    return files;
  }
}

/**
 * The run's model folders: those `runs/log-model` recorded, in order, then any other folder
 * holding an MLmodel file.
 */
function modelFolders(run: Run): string[] {
  const logged: string[] = [];
  try {
    const history: unknown = JSON.parse(run.tags[loggedModelsTag] ?? '[]');
    if (Array.isArray(history)) for (const m of history) if (typeof m?.artifact_path === 'string') logged.push(m.artifact_path);
  } catch {
    // Not ours to judge: log-model checked it on the way in.
  }
  const withMlmodel = run.artifacts
    .filter((a) => a.path === 'MLmodel' || a.path.endsWith('/MLmodel'))
    .map((a) => a.path.slice(0, Math.max(0, a.path.length - '/MLmodel'.length)))
    .sort();
  return [...new Set([...withMlmodel.filter((f) => !logged.includes(f)), ...logged])];
}
