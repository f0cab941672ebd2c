import { failedPrecondition, invalidArgument, notFound, type ThreadlineError, parseWith } from '../../errors.js';
import { addEdges } from '../../lineage/edge-store.js';
import type { Edge } from '../../lineage/types.js';
import type { DeploymentsTable } from '../../store/schema.js';
import { DeploymentStore } from './deployment-store.js';
import { AuditLog, type AuditSink } from '../../identity/audit-log.js';
import { actorOf } from '../../identity/request-context.js';
import { resolveRun, resolveSubject, subjectOfImageRef, subjectOfVersion, type SubjectServices } from './resolve-subject.js';
import { recordDeploymentSchema, updateDeploymentSchema } from './deployment-schemas.js';
import {
  deploymentTargets,
  type Deployment,
  type DeploymentApi,
  type DeploymentDetails,
  type DeploymentReason,
  type DeploymentTarget,
  type DeploySubject,
  type RecordDeploymentInput,
  type RollbackPlan,
  type UpdateDeploymentInput,
} from './types.js';

type Services = SubjectServices;

/**
 * The record of deployments on the store: numbering, status changes, the replaced one, lineage
 * edges, rollback planning. Runs no target: the deployer (the CLI, embedded or remote, or a CD
 * system) does that and reports here. The server's routes and the embedded API both use it.
 */
export class DeploymentLedger implements DeploymentApi {
  private readonly deployments: DeploymentStore;

  constructor(
    private readonly tl: Services,
    private readonly audit: AuditSink = new AuditLog(tl.store),
  ) {
    this.deployments = new DeploymentStore(tl.store.db);
  }

  resolveDeploySubject(ref: string): Promise<DeploySubject> {
    return resolveSubject(this.tl, ref);
  }

  async planRollback(environment: string, by: { runId?: string; to?: number } = {}): Promise<RollbackPlan> {
    parseEnvironment(environment);
    if (by.runId !== undefined && by.to !== undefined) throw invalidArgument('give a run id or a deployment number, not both');
    if (by.to !== undefined && !(Number.isInteger(by.to) && by.to >= 1)) throw invalidArgument(`invalid deployment number '${by.to}'`);
    const current = await this.deployments.current(environment);
    if (!current) throw nothingToRollBack(`${environment} has no current deployment: nothing to roll back to`);
    let subject: DeploySubject;
    if (by.runId !== undefined) subject = await resolveRun(this.tl, by.runId);
    else {
      const previous = by.to !== undefined ? await this.deployments.get(environment, by.to) : await this.previousOf(current);
      if (by.to !== undefined && !previous) throw notFound(`Deployment ${environment}#${by.to} not found`);
      if (previous?.status === 'dry_run') throw invalidArgument(`${previous.id} was a dry run: it never ran, so there is nothing to roll back to`);
      if (!previous) throw nothingToRollBack(`${current.id} is the only deployment of ${environment}: nothing to roll back to`);
      subject = subjectOf(previous);
    }
    const details = JSON.parse(current.details) as DeploymentDetails;
    const inherited: RollbackPlan['inherited'] = {};
    if (typeof details.namespace === 'string') inherited.namespace = details.namespace;
    if (typeof details.command === 'string') inherited.command = details.command;
    return { subject, current: toDeployment(current, true), target: current.target as DeploymentTarget, inherited };
  }

  async recordDeployment(raw: RecordDeploymentInput | unknown): Promise<Deployment> {
    const input: RecordDeploymentInput = parseWith(recordDeploymentSchema, raw, 'Invalid deployment');
    const environment = parseEnvironment(input.environment);
    const target = parseTarget(input.target);
    const subject = await this.subjectOf(input);
    const current = await this.deployments.current(environment);
    const row = await this.deployments.insertNext({
      environment,
      image_reference: subject.imageReference,
      model_name: subject.modelName,
      model_version: subject.modelVersion,
      run_id: subject.runId,
      git_sha: subject.gitSha,
      target,
      actor: actorOf(input.actor),
      created_at: Date.now(),
      status: 'pending',
      replaced_id: current?.id ?? null,
      reason: input.reason ?? 'deploy',
      details: JSON.stringify(input.details ?? {}),
    });
    await this.audit.record({
      action: `deployment.${row.reason}`,
      subjectType: 'deployment',
      subjectId: row.id,
      before: current ? { deployment: current.id, image: current.image_reference, model: current.model_name === null ? null : `${current.model_name}/${current.model_version}` } : undefined,
      after: { image: row.image_reference, model: row.model_name === null ? null : `${row.model_name}/${row.model_version}`, target, run_id: row.run_id, git_sha: row.git_sha },
      actor: input.actor,
    });
    const status = input.status ?? 'deployed';
    if (status === 'pending') return this.getDeployment(row.id);
    return this.finish(row, status === 'deployed', input.details ?? {});
  }

  async updateDeployment(id: string, raw: UpdateDeploymentInput | unknown): Promise<Deployment> {
    const change: UpdateDeploymentInput = parseWith(updateDeploymentSchema, raw, 'Invalid deployment change');
    const row = await this.row(id);
    let updated: Deployment;
    if (change.status === 'stopped') {
      if (row.status !== 'deployed') throw failedPrecondition(`${row.id} is ${row.status}: only a deployed one can be stopped`);
      await this.deployments.setStatus(row.id, 'stopped');
      updated = await this.getDeployment(row.id);
    } else {
      if (row.status !== 'pending') throw failedPrecondition(`${row.id} is ${row.status}, not pending: it was finished already`);
      updated = await this.finish(row, change.status === 'deployed', change.details ?? (JSON.parse(row.details) as DeploymentDetails));
    }
    await this.audit.record({ action: 'deployment.status', subjectType: 'deployment', subjectId: row.id, before: { status: row.status }, after: { status: updated.status } });
    return updated;
  }

  /** History, newest first; `current` marks what each environment runs now. */
  async listDeployments(environment?: string): Promise<Deployment[]> {
    const rows = await this.deployments.list(environment);
    if (environment !== undefined && rows.length === 0) throw notFound(`No deployments of environment '${environment}'`);
    const currentOf = new Map<string, string>();
    for (const row of rows) if (row.status === 'deployed' && !currentOf.has(row.environment)) currentOf.set(row.environment, row.id);
    return rows.map((row) => toDeployment(row, currentOf.get(row.environment) === row.id));
  }

  /** `ENV#N`, or `ENV` for its current deployment. */
  async getDeployment(id: string): Promise<Deployment> {
    const hash = id.lastIndexOf('#');
    const environment = hash < 0 ? id : id.slice(0, hash);
    const current = await this.deployments.current(environment);
    if (hash < 0) {
      if (!current) throw notFound(`${environment} has no current deployment`);
      return toDeployment(current, true);
    }
    const row = await this.row(id);
    return toDeployment(row, current?.id === row.id);
  }

  private async row(id: string): Promise<DeploymentsTable> {
    const hash = id.lastIndexOf('#');
    if (hash < 0) throw invalidArgument(`A deployment id is ENV#N, got '${id}'`);
    const row = await this.deployments.get(id.slice(0, hash), parseSequence(id.slice(hash + 1)));
    if (!row) throw notFound(`Deployment ${id} not found`);
    return row;
  }

  /** The image (and the model version it carries), or a model version alone. */
  private async subjectOf(input: RecordDeploymentInput): Promise<DeploySubject> {
    if (input.image) {
      const subject = await subjectOfImageRef(this.tl, input.image);
      if (input.model) {
        const version = await this.tl.models.resolve(input.model);
        if (version.name !== subject.modelName || version.version !== subject.modelVersion) {
          throw invalidArgument(`Image ${input.image} carries ${subject.modelName}/${subject.modelVersion}, not ${version.name}/${version.version}`);
        }
      }
      return subject;
    }
    if (!input.model) throw invalidArgument('a deployment names an image or a model version');
    return subjectOfVersion(this.tl, await this.tl.models.resolve(input.model));
  }

  /**
   * Final status, the replaced one marked, and the lineage edges. A failed deploy replaces
   * nothing; nor does a dry run, which serves nothing either (no edges).
   */
  private async finish(row: DeploymentsTable, ok: boolean, details: DeploymentDetails): Promise<Deployment> {
    if (ok && details.dryRun === true) {
      await this.deployments.finish(row.id, { status: 'dry_run', details: JSON.stringify(details), replaced_id: null });
      return this.getDeployment(row.id);
    }
    const replacedId = ok ? row.replaced_id : null;
    await this.deployments.finish(row.id, { status: ok ? 'deployed' : 'failed', details: JSON.stringify(details), replaced_id: replacedId });
    const self = { type: 'deployment' as const, id: row.id };
    const edges: Edge[] = [{ from: self, relation: 'serves', to: { type: 'model_version', id: `${row.model_name}/${row.model_version}` } }];
    if (row.image_reference) edges.push({ from: self, relation: 'runs_image', to: { type: 'image', id: row.image_reference } });
    if (replacedId) edges.push({ from: self, relation: 'replaced', to: { type: 'deployment', id: replacedId } });
    await addEdges(this.tl.store.db, edges);
    return this.getDeployment(row.id);
  }

  /** What ran before the current deployment: the one it replaced, else the newest successful one before it. */
  private async previousOf(current: DeploymentsTable): Promise<DeploymentsTable | undefined> {
    if (current.replaced_id) {
      const sequence = Number(current.replaced_id.slice(current.replaced_id.lastIndexOf('#') + 1));
      const replaced = await this.deployments.get(current.environment, sequence);
      if (replaced) return replaced;
    }
    const history = await this.deployments.list(current.environment);
    return history.find((d) => d.sequence < current.sequence && d.status !== 'failed' && d.status !== 'pending' && d.status !== 'dry_run');
  }
}

function subjectOf(row: DeploymentsTable): DeploySubject {
  return { imageReference: row.image_reference, modelName: row.model_name, modelVersion: row.model_version, runId: row.run_id, gitSha: row.git_sha };
}

function toDeployment(row: DeploymentsTable, current: boolean): Deployment {
  return {
    id: row.id,
    environment: row.environment,
    sequence: row.sequence,
    ...subjectOf(row),
    target: row.target as DeploymentTarget,
    actor: row.actor,
    createdAt: row.created_at,
    status: row.status as Deployment['status'],
    replacedId: row.replaced_id,
    reason: row.reason as DeploymentReason,
    details: JSON.parse(row.details) as DeploymentDetails,
    current,
  };
}

function nothingToRollBack(message: string): ThreadlineError {
  return failedPrecondition(message);
}

/** Environment names become folder names and ids (`prod#3`): keep them plain. */
export function parseEnvironment(environment: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(environment ?? '')) {
    throw invalidArgument(`invalid environment '${environment}': letters, digits, '.', '_' and '-', at most 64`);
  }
  return environment;
}

export function parseTarget(target: string): DeploymentTarget {
  if (!(deploymentTargets as readonly string[]).includes(target)) throw invalidArgument(`unknown target '${target}': one of ${deploymentTargets.join(', ')}`);
  return target as DeploymentTarget;
}

export function parseSequence(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw invalidArgument(`invalid deployment number '${text}'`);
  return n;
}
