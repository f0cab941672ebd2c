import { alreadyExists, invalidArgument, notFound, parseWith } from '../errors.js';
import { addEdges } from '../lineage/edge-store.js';
import type { Edge } from '../lineage/types.js';
import type { Store } from '../store/database.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../store/schema.js';
import type { LoggedModel } from './logged-models/types.js';
import type { RunService } from '../tracking/run-service.js';
import { AliasStore } from './alias-store.js';
import { modelDigest, parseRunsUri } from './artifact-digest.js';
import { readSignature } from './model-signature.js';
import { EntityLoader } from './entity-loader.js';
import { parseModelRef } from './model-ref.js';
import { ModelStore } from './model-store.js';
import { searchModelVersions } from './search-filter/model-version-search-store.js';
import { searchRegisteredModels } from './search-filter/registered-model-search-store.js';
import type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput, Stage } from './types.js';
import { isUniqueViolation } from '../store/conflicts.js';
import { aliasSchema, createModelSchema, createVersionSchema, descriptionSchema, keySchema, modelNameSchema, registerSchema, registryTagValueSchema, parseStage, parseVersion } from './validation.js';
import { VersionStore } from './version-store.js';
import { AuditLog, type AuditSink } from '../identity/audit-log.js';
import { actorOf } from '../identity/request-context.js';

/** What the registry needs of MLflow 3's LoggedModels: read one, and note a version made from it. */
export interface LoggedModelSource {
  get(modelId: string): Promise<LoggedModel>;
  noteRegistration(modelId: string, name: string, version: number): Promise<void>;
}

/** The model registry: registered models, versions, tags, stages, aliases and their history. */
export class ModelService {
  private readonly models: ModelStore;
  private readonly versions: VersionStore;
  private readonly aliases: AliasStore;
  private readonly load: EntityLoader;

  /** `readBlob` reads MLmodel files for the signature; without it versions carry only a given one. */
  constructor(
    private readonly store: Store,
    private readonly runs: RunService,
    private readonly readBlob?: (digest: string) => Promise<Buffer>,
    private readonly loggedModels?: LoggedModelSource,
    private readonly audit: AuditSink = new AuditLog(store),
  ) {
    this.models = new ModelStore(store.db);
    this.versions = new VersionStore(store.db);
    this.aliases = new AliasStore(store.db);
    this.load = new EntityLoader(this.models, this.versions, this.aliases);
  }

  async createModel(raw: CreateModelInput): Promise<RegisteredModel> {
    const input = parseWith(createModelSchema, raw, 'Invalid registered model');
    const now = Date.now();
    try {
      await this.models.insert({ name: input.name, description: input.description ?? null, creation_time: now, last_updated_time: now }, input.tags ?? {});
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyExists(`Registered Model (name=${input.name}) already exists.`, { name: input.name });
      throw error;
    }
    await this.audit.record({ action: 'model.create', subjectType: 'model', subjectId: input.name });
    return this.getModel(input.name);
  }

  /** The model named `name`, created when missing (what `models register` and MLflow's register_model do). */
  async ensureModel(name: string): Promise<RegisteredModel> {
    try {
      return await this.createModel({ name });
    } catch (error) {
      if ((error as { code?: string }).code === 'ALREADY_EXISTS') return this.getModel(name);
      throw error;
    }
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return (await this.load.modelsOf([await this.modelRow(name)]))[0]!;
  }

  async renameModel(name: string, newName: string): Promise<RegisteredModel> {
    const to = parseWith(modelNameSchema, newName, 'Invalid new registered model name');
    await this.modelRow(name);
    if (to === name) return this.getModel(name);
    try {
      await this.models.rename(name, to, Date.now());
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyExists(`Registered Model (name=${to}) already exists.`, { name: to });
      throw error;
    }
    await this.audit.record({ action: 'model.rename', subjectType: 'model', subjectId: to, before: { name }, after: { name: to } });
    return this.getModel(to);
  }

  async updateModel(name: string, changes: { description?: string }): Promise<RegisteredModel> {
    const description = parseWith(descriptionSchema.optional(), changes.description, 'Invalid description');
    await this.modelRow(name);
    await this.models.update(name, { ...(description !== undefined && { description }), last_updated_time: Date.now() });
    return this.getModel(name);
  }

  /** Removes the model, its versions, tags and aliases; the alias history stays, with the removals in it. */
  async deleteModel(name: string, actor?: string): Promise<void> {
    await this.modelRow(name);
    await this.models.transaction(async (trx) => {
      await this.aliases.remove(trx, name, actorOf(actor), Date.now());
      await this.models.delete(name, trx);
      await this.audit.record({ action: 'model.delete', subjectType: 'model', subjectId: name, actor }, trx);
    });
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    parseWith(keySchema, key, 'Invalid tag key');
    checkTagValue(value);
    await this.modelRow(name);
    await this.models.setTag(name, key, value, Date.now());
  }

  async deleteModelTag(name: string, key: string): Promise<void> {
    await this.modelRow(name);
    if ((await this.models.deleteTag(name, key)) === 0) throw notFound(`No tag with key '${key}' on registered model ${name}`);
  }

  async searchModels(input: SearchInput = {}): Promise<Page<RegisteredModel>> {
    const { names, nextPageToken } = await searchRegisteredModels(this.store, input);
    const rows = await this.models.getMany(names);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const items = await this.load.modelsOf(names.map((n) => byName.get(n)).filter((r) => r !== undefined));
    return nextPageToken ? { items, nextPageToken } : { items };
  }

  /**
   * A new version with the model's next number. A `runs:/<run>/<path>` source names the run;
   * a run that is given must exist. The artifact digest is taken from the run's artifacts.
   */
  async createVersion(raw: CreateVersionInput): Promise<ModelVersion> {
    const input = parseWith(createVersionSchema, raw, 'Invalid model version');
    await this.modelRow(input.name);
    const modelId = input.modelId || parseModelsUri(input.source);
    const logged = modelId ? await this.loggedModel(modelId) : undefined;
    const fromUri = parseRunsUri(input.source);
    // As MLflow's registry: a version of a logged model belongs to the run that logged it.
    const runId = input.runId || fromUri?.runId || logged?.sourceRunId || undefined;
    const run = runId ? await this.runs.info(runId) : undefined;
    let artifactDigest: string | undefined;
    let signature = input.signature;
    if (logged) {
      artifactDigest = logged.artifactDigest ?? modelDigest(logged.files, '');
      if (signature === undefined && this.readBlob) signature = await readSignature(logged.files, '', this.readBlob);
    } else if (run) {
      const path = fromUri?.runId === run.runId ? fromUri.path : pathUnder(input.source, run.artifactUri);
      if (path !== undefined) {
        const artifacts = await this.runs.artifacts(run.runId);
        artifactDigest = modelDigest(artifacts, path);
        if (signature === undefined && this.readBlob) signature = await readSignature(artifacts, path, this.readBlob);
      }
    }
    const now = Date.now();
    const row: Omit<ModelVersionsTable, 'version'> = {
      name: input.name,
      source: input.source,
      run_id: run?.runId ?? null,
      run_link: input.runLink || null,
      description: input.description ?? null,
      status: 'READY',
      status_message: null,
      current_stage: 'None',
      creation_time: now,
      last_updated_time: now,
      user_id: input.userId ?? null,
      artifact_digest: artifactDigest ?? null,
      signature: signature ?? null,
      model_id: logged?.modelId ?? null,
    };
    const version = await this.versions.insertNext(row, input.tags ?? {});
    const self = { type: 'model_version' as const, id: `${input.name}/${version}` };
    const edges: Edge[] = [];
    if (run) edges.push({ from: self, relation: 'trained_by', to: { type: 'run', id: run.runId } });
    if (artifactDigest) edges.push({ from: self, relation: 'packages', to: { type: 'artifact', id: artifactDigest } });
    if (logged) edges.push({ from: self, relation: 'registered_from', to: { type: 'logged_model', id: logged.modelId } });
    await addEdges(this.store.db, edges, now);
    if (logged) await this.loggedModels!.noteRegistration(logged.modelId, input.name, version);
    await this.audit.record({ action: 'model_version.register', subjectType: 'model_version', subjectId: self.id, after: { source: input.source, run_id: row.run_id, artifact_digest: row.artifact_digest } });
    return this.getVersion(input.name, version);
  }

  /** `threadline models register`: the run's artifact path as a version, the model created when missing. */
  async register(raw: RegisterInput): Promise<ModelVersion> {
    const input = parseWith(registerSchema, raw, 'Invalid model registration');
    const path = input.artifactPath.replace(/^\/+|\/+$/g, '');
    // People type run id prefixes, as for `runs show`.
    const run = await this.runs.info(await this.runs.resolveId(input.runId));
    const artifacts = await this.runs.artifacts(run.runId);
    if (modelDigest(artifacts, path) === undefined) throw notFound(`Run ${run.runId} has no artifacts under '${path}'`);
    await this.ensureModel(input.name);
    return this.createVersion({ ...input, runId: run.runId, source: `runs:/${run.runId}/${path}` });
  }

  async getVersion(name: string, version: number | string): Promise<ModelVersion> {
    return (await this.load.versionsOf([await this.versionRow(name, version)]))[0]!;
  }

  /** Where the version's files are: a `runs:/` source becomes its run's artifact URI, others stay as given. */
  async downloadUri(name: string, version: number | string): Promise<string> {
    const row = await this.versionRow(name, version);
    // A logged model's version downloads from the logged model's artifact root (MLflow's storage_location).
    if (row.model_id && this.loggedModels) return (await this.loggedModel(row.model_id)).artifactLocation;
    const fromUri = parseRunsUri(row.source);
    if (!fromUri) return row.source;
    const run = await this.runs.info(fromUri.runId);
    return fromUri.path === '' ? run.artifactUri : `${run.artifactUri.replace(/\/+$/, '')}/${fromUri.path}`;
  }

  async updateVersion(name: string, version: number | string, changes: { description?: string }): Promise<ModelVersion> {
    const description = parseWith(descriptionSchema.optional(), changes.description, 'Invalid description');
    const row = await this.versionRow(name, version);
    await this.versions.update(row, { ...(description !== undefined && { description }), last_updated_time: Date.now() });
    return this.getVersion(name, row.version);
  }

  /** Removes the version and its tags; aliases on it are removed too, and that is recorded. */
  async deleteVersion(name: string, version: number | string, actor?: string): Promise<void> {
    const row = await this.versionRow(name, version);
    await this.models.transaction(async (trx) => {
      await this.aliases.remove(trx, name, actorOf(actor), Date.now(), { version: row.version });
      await this.versions.delete(row, trx);
      await this.audit.record({ action: 'model_version.delete', subjectType: 'model_version', subjectId: `${name}/${row.version}`, before: { stage: row.current_stage, source: row.source }, actor }, trx);
    });
  }

  async setVersionTag(name: string, version: number | string, key: string, value: string): Promise<void> {
    parseWith(keySchema, key, 'Invalid tag key');
    checkTagValue(value);
    const row = await this.versionRow(name, version);
    await this.versions.setTag(row, key, value);
  }

  async deleteVersionTag(name: string, version: number | string, key: string): Promise<void> {
    const row = await this.versionRow(name, version);
    if ((await this.versions.deleteTag(row, key)) === 0) throw notFound(`No tag with key '${key}' on model version ${name}/${row.version}`);
  }

  /** MLflow's legacy stages; with `archiveExisting`, the other versions in that stage become Archived. */
  async transitionStage(name: string, version: number | string, rawStage: string, archiveExisting = false): Promise<ModelVersion> {
    const stage = parseStage(rawStage);
    const row = await this.versionRow(name, version);
    if (archiveExisting && stage !== 'Staging' && stage !== 'Production') {
      throw invalidArgument(`When archiving existing model versions, the stage must be Staging or Production, not '${stage}'`);
    }
    const now = Date.now();
    await this.models.transaction(async (trx) => {
      if (archiveExisting) await this.versions.archiveOthers(row, stage, now, trx);
      await this.versions.update(row, { current_stage: stage, last_updated_time: now }, trx);
      await this.audit.record({ action: 'model_version.stage', subjectType: 'model_version', subjectId: `${name}/${row.version}`, before: { stage: row.current_stage }, after: { stage, archiveExisting } }, trx);
    });
    return this.getVersion(name, row.version);
  }

  async latestVersions(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
    await this.modelRow(name);
    const wanted = new Set<Stage>(stages.map(parseStage));
    const rows = (await this.versions.latestPerStage([name])).filter((r) => wanted.size === 0 || wanted.has(r.current_stage as Stage));
    return this.load.versionsOf(rows);
  }

  async searchVersions(input: SearchInput = {}): Promise<Page<ModelVersion>> {
    const { versions, nextPageToken } = await searchModelVersions(this.store, input);
    const items = await this.load.versionsOf(await this.versions.getMany(versions));
    return nextPageToken ? { items, nextPageToken } : { items };
  }

  /** Points `alias` at `version` and records the move (who, when, from, to). */
  async setAlias(name: string, alias: string, version: number | string, actor?: string): Promise<ModelVersion> {
    parseWith(aliasSchema, alias, 'Invalid alias');
    const row = await this.versionRow(name, version);
    const before = await this.aliases.get(name, alias);
    await this.aliases.set(name, alias, row.version, actorOf(actor), Date.now());
    await this.audit.record({ action: 'alias.set', subjectType: 'model_alias', subjectId: `${name}@${alias}`, before: before === undefined ? undefined : { version: before }, after: { version: row.version }, actor });
    return this.getVersion(name, row.version);
  }

  async deleteAlias(name: string, alias: string, actor?: string): Promise<void> {
    await this.modelRow(name);
    const before = await this.aliases.get(name, alias);
    const removed = await this.models.transaction((trx) => this.aliases.remove(trx, name, actorOf(actor), Date.now(), { alias }));
    if (removed === 0) throw notFound(`Registered model alias ${alias} not found.`, { name, alias });
    await this.audit.record({ action: 'alias.delete', subjectType: 'model_alias', subjectId: `${name}@${alias}`, before: { version: before }, actor });
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    await this.modelRow(name);
    const version = await this.aliases.get(name, alias);
    if (version === undefined) throw notFound(`Registered model alias ${alias} not found.`, { name, alias });
    return this.getVersion(name, version);
  }

  /** `name@alias`, `name/3`, `name/Production` or `name` (its latest version). */
  async resolve(ref: string): Promise<ModelVersion> {
    const parsed = parseModelRef(ref);
    if (parsed.kind === 'alias') return this.getByAlias(parsed.name, parsed.alias);
    if (parsed.kind === 'version') return this.getVersion(parsed.name, parsed.version);
    await this.modelRow(parsed.name);
    const rows = await this.versions.listFor(parsed.name);
    const row = parsed.kind === 'stage' ? rows.find((r) => r.current_stage === parsed.stage) : rows[0];
    if (!row) throw notFound(`Registered model ${parsed.name} has no version${parsed.kind === 'stage' ? ` in stage ${parsed.stage}` : ''}`);
    return (await this.load.versionsOf([row]))[0]!;
  }

  /** Every alias move of the model, oldest first; kept after the model is deleted. */
  async history(name: string): Promise<AliasMove[]> {
    const moves = await this.aliases.history(name);
    if (moves.length === 0) await this.modelRow(name);
    return moves;
  }

  private async loggedModel(modelId: string): Promise<LoggedModel> {
    if (!this.loggedModels) throw invalidArgument(`Model version sources of logged models (models:/${modelId}) are not available here`);
    return this.loggedModels.get(modelId);
  }

  private async modelRow(name: string): Promise<RegisteredModelsTable> {
    const row = typeof name === 'string' ? await this.models.get(name) : undefined;
    if (!row) throw notFound(`Registered Model with name=${String(name)} not found`, { name });
    return row;
  }

  private async versionRow(name: string, version: number | string): Promise<ModelVersionsTable> {
    await this.modelRow(name);
    const number = parseVersion(version);
    const row = await this.versions.get(name, number);
    if (!row) throw notFound(`Model Version (name=${name}, version=${number}) not found`, { name, version: number });
    return row;
  }
}

/** `models:/<model_id>` (a LoggedModel, no further path) → its id; `models:/name/1` and others → undefined. */
function parseModelsUri(source: string): string | undefined {
  const match = /^models:\/+(m-[^/@]+)\/*$/.exec(source);
  return match?.[1];
}

/** A source inside the run's artifact root (`mlflow-artifacts:/0/<run>/artifacts/model`) → `model`. */
function pathUnder(source: string, artifactUri: string): string | undefined {
  const root = artifactUri.replace(/\/+$/, '');
  if (source === root) return '';
  return source.startsWith(`${root}/`) ? source.slice(root.length + 1) : undefined;
}

function checkTagValue(value: unknown): void {
  if (typeof value !== 'string') throw invalidArgument('Invalid tag value: must be a string');
  parseWith(registryTagValueSchema, value, 'Invalid tag value');
}
