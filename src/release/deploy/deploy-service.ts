import os from 'node:os';
import path from 'node:path';
import type { Threadline } from '../../context.js';
import { invalidArgument, notFound, ThreadlineError } from '../../errors.js';
import { addEdges } from '../../lineage/edge-store.js';
import type { Edge } from '../../lineage/types.js';
import { deployCommand } from './command-target.js';
import { DeploymentStore } from './deployment-store.js';
import { deployKubernetes } from './kubernetes-target.js';
import { stopServer } from './local-process.js';
import { deployLocal } from './local-target.js';
import { resolveRun, resolveSubject } from './resolve-subject.js';
import type { TargetOptions, TargetOutcome, TargetRequest } from './target.js';
import { deploymentTargets, type Deployment, type DeploymentReason, type DeploymentTarget, type DeploySubject, type DeploymentsTable } from './types.js';

export interface DeployRequest extends TargetOptions {
  environment: string;
  target: string;
  reason?: DeploymentReason;
  actor?: string;
}

export interface DeployResult {
  deployment: Deployment;
  /** Non-zero when the target failed: the user command's own status, else 1. */
  exitCode: number;
}

export type RollbackRequest = Omit<DeployRequest, 'target' | 'reason'> & { runId?: string; to?: number };

type Services = Pick<Threadline, 'store' | 'runs' | 'models'>;

/** Deployments `ENV#N`: deploy a model version or image to a target, roll back, list the history. */
export class DeployService {
  private readonly deployments: DeploymentStore;

  /** `home` is `$THREADLINE_HOME`: rendered manifests go under `deployments/<env>/<N>/`. */
  constructor(
    private readonly tl: Services,
    private readonly home: string,
  ) {
    this.deployments = new DeploymentStore(tl.store.db);
  }

  async deploy(ref: string, request: DeployRequest): Promise<DeployResult> {
    parseEnvironment(request.environment);
    const target = parseTarget(request.target);
    return this.record(await resolveSubject(this.tl, ref), target, { ...request, reason: request.reason ?? 'deploy' });
  }

  /** Re-deploys what ran before (or run RUN's image, or what ENV#N ran) to the current target. */
  async rollback(request: RollbackRequest): Promise<DeployResult> {
    const environment = parseEnvironment(request.environment);
    const current = await this.deployments.current(environment);
    if (!current) throw nothingToRollBack(`${environment} has no current deployment: nothing to roll back to`);
    let subject: DeploySubject;
    if (request.runId !== undefined) subject = await resolveRun(this.tl, request.runId);
    else {
      const previous = request.to !== undefined ? await this.deployments.get(environment, request.to) : await this.previousOf(current);
      if (request.to !== undefined && !previous) throw notFound(`Deployment ${environment}#${request.to} not found`);
      if (!previous) throw nothingToRollBack(`${current.id} is the only deployment of ${environment}: nothing to roll back to`);
      subject = subjectOf(previous);
    }
    const details = JSON.parse(current.details) as Record<string, unknown>;
    const inherited: TargetOptions = {
      namespace: typeof details.namespace === 'string' ? details.namespace : undefined,
      command: typeof details.command === 'string' ? details.command : undefined,
      dryRun: details.dryRun === true,
    };
    const options = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined));
    return this.record(subject, current.target as DeploymentTarget, { ...inherited, ...options, environment, reason: 'rollback' });
  }

  /** Stops what ENV runs now (a local server): it is marked `stopped`, and ENV runs nothing. */
  async stop(environment: string): Promise<Deployment> {
    const current = await this.deployments.current(parseEnvironment(environment));
    if (!current) throw notFound(`${environment} has no current deployment`);
    if (current.target !== 'local') {
      throw invalidArgument(`${current.id} runs on the ${current.target} target: stop it there (threadline only stops the local servers it started)`);
    }
    await stopLocal(current);
    await this.deployments.setStatus(current.id, 'stopped');
    return this.show(current.id);
  }

  /** History, newest first; `current` marks what each environment runs now. */
  async list(environment?: string): Promise<Deployment[]> {
    const rows = await this.deployments.list(environment);
    const currentOf = new Map<string, string>();
    for (const row of rows) if (row.status === 'deployed' && !currentOf.has(row.environment)) currentOf.set(row.environment, row.id);
    return rows.map((row) => toDeployment(row, currentOf.get(row.environment) === row.id));
  }

  /** `ENV#N`, or `ENV` for its current deployment. */
  async show(id: string): Promise<Deployment> {
    const hash = id.lastIndexOf('#');
    const environment = hash < 0 ? id : id.slice(0, hash);
    const current = await this.deployments.current(environment);
    if (hash < 0) {
      if (!current) throw notFound(`${environment} has no current deployment`);
      return toDeployment(current, true);
    }
    const row = await this.deployments.get(environment, parseSequence(id.slice(hash + 1)));
    if (!row) throw notFound(`Deployment ${id} not found`);
    return toDeployment(row, current?.id === row.id);
  }

  private async record(subject: DeploySubject, target: DeploymentTarget, request: TargetOptions & { environment: string; reason: DeploymentReason; actor?: string }): Promise<DeployResult> {
    const environment = request.environment;
    // Refusals that need no target record nothing; what the target itself does wrong is recorded `failed`.
    checkTarget(target, subject, request);
    const current = await this.deployments.current(environment);
    const row = await this.deployments.insertNext({
      environment,
      image_reference: subject.imageReference,
      model_name: subject.modelName,
      model_version: subject.modelVersion,
      run_id: subject.runId,
      git_sha: subject.gitSha,
      target,
      actor: request.actor || actorFromEnv(),
      created_at: Date.now(),
      status: 'deployed',
      replaced_id: current?.id ?? null,
      reason: request.reason,
      details: '{}',
    });
    const targetRequest: TargetRequest = {
      subject,
      deploymentId: row.id,
      environment,
      sequence: row.sequence,
      reason: request.reason,
      folder: path.join(this.home, 'deployments', environment, String(row.sequence)),
      options: request,
    };
    let outcome: TargetOutcome;
    try {
      outcome = await targets[target](targetRequest);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = { ok: false, details: { error: message.split('\n')[0] } };
      await this.finish(row, subject, outcome);
      throw error instanceof ThreadlineError ? error : new ThreadlineError('INTERNAL', `${row.id} failed: ${message}`);
    }
    // The new server is healthy: the one it replaces stops (after, so the environment never has none).
    if (outcome.ok && current?.target === 'local') await stopLocal(current);
    const deployment = await this.finish(row, subject, outcome);
    return { deployment, exitCode: outcome.ok ? 0 : (outcome.exitCode ?? 1) };
  }

  /** Final status, the replaced one marked, and the lineage edges. A failed deploy replaces nothing. */
  private async finish(row: DeploymentsTable, subject: DeploySubject, outcome: TargetOutcome): Promise<Deployment> {
    const replacedId = outcome.ok ? row.replaced_id : null;
    await this.deployments.finish(row.id, { status: outcome.ok ? 'deployed' : 'failed', details: JSON.stringify(outcome.details), replaced_id: replacedId });
    const self = { type: 'deployment' as const, id: row.id };
    const edges: Edge[] = [{ from: self, relation: 'serves', to: { type: 'model_version', id: `${subject.modelName}/${subject.modelVersion}` } }];
    if (subject.imageReference) edges.push({ from: self, relation: 'runs_image', to: { type: 'image', id: subject.imageReference } });
    if (replacedId) edges.push({ from: self, relation: 'replaced', to: { type: 'deployment', id: replacedId } });
    await addEdges(this.tl.store.db, edges);
    return this.show(row.id);
  }

  /** What ran before the current deployment: the one it replaced, else the newest successful one before it. */
  private async previousOf(current: DeploymentsTable): Promise<DeploymentsTable | undefined> {
    if (current.replaced_id) {
      const sequence = Number(current.replaced_id.slice(current.replaced_id.lastIndexOf('#') + 1));
      const replaced = await this.deployments.get(current.environment, sequence);
      if (replaced) return replaced;
    }
    const history = await this.deployments.list(current.environment);
    return history.find((d) => d.sequence < current.sequence && d.status !== 'failed');
  }
}

const targets: Record<DeploymentTarget, (request: TargetRequest) => Promise<TargetOutcome>> = {
  local: deployLocal,
  kubernetes: deployKubernetes,
  command: deployCommand,
};

function checkTarget(target: DeploymentTarget, subject: DeploySubject, options: TargetOptions): void {
  if (target === 'command' && !options.command) throw invalidArgument('the command target needs --command "…" (run through the shell)');
  if (target !== 'kubernetes') return;
  if (!subject.imageReference) {
    throw invalidArgument(`${subject.modelName}/${subject.modelVersion} has no image: build one with 'threadline image build' first (the kubernetes target runs images)`);
  }
  if (!options.dryRun && !options.kubeconfig && !(options.env ?? process.env).KUBECONFIG) {
    throw invalidArgument('no cluster to apply to: give --kubeconfig FILE or set KUBECONFIG (or use --dry-run to only write the manifests)');
  }
}

async function stopLocal(deployment: DeploymentsTable): Promise<void> {
  const pid = (JSON.parse(deployment.details) as { pid?: unknown }).pid;
  if (typeof pid === 'number') await stopServer(pid, deployment.id);
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
    details: JSON.parse(row.details) as Deployment['details'],
    current,
  };
}

function nothingToRollBack(message: string): ThreadlineError {
  return new ThreadlineError('FAILED_PRECONDITION', message);
}

/** Environment names become folder names and ids (`prod#3`): keep them plain. */
function parseEnvironment(environment: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(environment ?? '')) {
    throw invalidArgument(`invalid environment '${environment}': letters, digits, '.', '_' and '-', at most 64`);
  }
  return environment;
}

function parseTarget(target: string): DeploymentTarget {
  if (!(deploymentTargets as readonly string[]).includes(target)) throw invalidArgument(`unknown target '${target}': one of ${deploymentTargets.join(', ')}`);
  return target as DeploymentTarget;
}

export function parseSequence(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw invalidArgument(`invalid deployment number '${text}'`);
  return n;
}

/** Who deployed: THREADLINE_ACTOR (CI sets it to the pipeline's user), else the login name. */
function actorFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.THREADLINE_ACTOR) return env.THREADLINE_ACTOR;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
