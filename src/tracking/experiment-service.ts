import { alreadyExists, invalidArgument, notFound, parseWith } from '../errors.js';
import { insertNextNumber } from '../store/conflicts.js';
import type { Store } from '../store/database.js';
import { AuditLog, type AuditSink } from '../identity/audit-log.js';
import { ExperimentStore } from './experiment-store.js';
import type { Experiment, LifecycleStage } from './types.js';
import { createExperimentSchema, experimentNameSchema, keySchema, tagSchema } from './validation.js';

export class ExperimentService {
  private readonly experiments: ExperimentStore;

  constructor(
    store: Store,
    private readonly audit: AuditSink = new AuditLog(store),
  ) {
    this.experiments = new ExperimentStore(store.db);
  }

  async create(raw: { name: string; artifactLocation?: string; tags?: Record<string, string> }): Promise<Experiment> {
    const input = parseWith(createExperimentSchema, raw, 'Invalid experiment');
    const name = input.name;
    for (const [key, value] of Object.entries(input.tags ?? {})) parseWith(tagSchema, { key, value }, 'Invalid experiment tag');
    if (await this.experiments.getByName(name)) throw alreadyExists(`Experiment '${name}' already exists.`);
    // Ids are max+1; two concurrent creates can pick the same one, so the loser tries again.
    const created = await insertNextNumber({
      attempts: 6,
      onConflict: async () => {
        if (await this.experiments.getByName(name)) throw alreadyExists(`Experiment '${name}' already exists.`);
      },
      insert: async () => {
        const id = await this.experiments.nextId();
        const now = Date.now();
        await this.experiments.insert(
          {
            experiment_id: id,
            name,
            artifact_location: input.artifactLocation || `mlflow-artifacts:/${id}`,
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
          },
          input.tags ?? {},
        );
        return (await this.experiments.get(id))!;
      },
    });
    await this.audit.record({ action: 'experiment.create', subjectType: 'experiment', subjectId: created.experimentId, after: { name } });
    return created;
  }

  /** The experiment named `name`, created when missing: what `threadline run --experiment` does. */
  async ensure(name: string): Promise<Experiment> {
    const existing = await this.experiments.getByName(name);
    if (existing) return existing;
    try {
      return await this.create({ name });
    } catch (error) {
      const raced = await this.experiments.getByName(name);
      if (raced) return raced;
      throw error;
    }
  }

  async get(experimentId: string): Promise<Experiment> {
    const experiment = await this.experiments.get(experimentId);
    if (!experiment) throw notFound(`No Experiment with id=${experimentId} exists`);
    return experiment;
  }

  async getByName(name: string): Promise<Experiment> {
    const experiment = await this.experiments.getByName(name);
    if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
    return experiment;
  }

  async list(stage: LifecycleStage | 'all' = 'active'): Promise<Experiment[]> {
    return this.experiments.list(stage);
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    const name = parseWith(experimentNameSchema, newName, 'Invalid experiment name');
    const experiment = await this.get(experimentId);
    this.requireActive(experiment, 'rename');
    const clash = await this.experiments.getByName(name);
    if (clash && clash.experimentId !== experimentId) throw alreadyExists(`Experiment '${name}' already exists.`);
    await this.experiments.update(experimentId, { name }, Date.now());
    await this.audit.record({ action: 'experiment.rename', subjectType: 'experiment', subjectId: experimentId, before: { name: experiment.name }, after: { name } });
  }

  async delete(experimentId: string): Promise<void> {
    if (experimentId === '0') throw invalidArgument('Cannot delete the default experiment (id 0).');
    await this.get(experimentId);
    await this.experiments.update(experimentId, { lifecycle_stage: 'deleted' }, Date.now());
    await this.audit.record({ action: 'experiment.delete', subjectType: 'experiment', subjectId: experimentId });
  }

  async restore(experimentId: string): Promise<void> {
    await this.get(experimentId);
    await this.experiments.update(experimentId, { lifecycle_stage: 'active' }, Date.now());
    await this.audit.record({ action: 'experiment.restore', subjectType: 'experiment', subjectId: experimentId });
  }

  async setTag(experimentId: string, key: string, value: string): Promise<void> {
    parseWith(tagSchema, { key, value }, 'Invalid experiment tag');
    this.requireActive(await this.get(experimentId), 'set a tag on');
    await this.experiments.setTag(experimentId, key, value);
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    parseWith(keySchema, key, 'Invalid tag key');
    this.requireActive(await this.get(experimentId), 'delete a tag of');
    if ((await this.experiments.deleteTag(experimentId, key)) === 0) {
      throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    }
  }

  private requireActive(experiment: Experiment, action: string): void {
    if (experiment.lifecycleStage !== 'active') {
      throw invalidArgument(`Cannot ${action} experiment ${experiment.experimentId}: it is deleted. Restore it first.`);
    }
  }
}
