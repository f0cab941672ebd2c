import os from 'node:os';
import path from 'node:path';
import { failedPrecondition, invalidArgument, ThreadlineError } from '../../errors.js';
import { deployCommand } from './command-target.js';
import { parseEnvironment, parseTarget } from './deployment-ledger.js';
import { deployKubernetes } from './kubernetes-target.js';
import { stopServer } from './local-process.js';
import { deployLocal } from './local-target.js';
import type { TargetOptions, TargetOutcome, TargetRequest } from './target.js';
import type { Deployment, DeploymentApi, DeploymentReason, DeploymentTarget, DeploySubject } from './types.js';

export { parseSequence } from './deployment-ledger.js';

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

/**
 * Deployments `ENV#N`: deploy a model version or image to a target, roll back, stop. The target
 * runs here, on the deployer's machine; the record (numbering, history, lineage) is `api`'s: the
 * store embedded, or a Threadline server. The deployment is recorded `pending`, then finished.
 */
export class DeployService {
  /** `home` is `$THREADLINE_HOME`: rendered manifests and local server logs go under `deployments/<env>/<N>/`. */
  constructor(
    private readonly api: DeploymentApi,
    private readonly home: string,
  ) {}

  async deploy(ref: string, request: DeployRequest): Promise<DeployResult> {
    const environment = parseEnvironment(request.environment);
    const target = parseTarget(request.target);
    const subject = await this.api.resolveDeploySubject(ref);
    return this.run(subject, target, { ...request, environment, reason: request.reason ?? 'deploy' });
  }

  /** Re-deploys what ran before (or run RUN's image, or what ENV#N ran) to the current target. */
  async rollback(request: RollbackRequest): Promise<DeployResult> {
    const environment = parseEnvironment(request.environment);
    const plan = await this.api.planRollback(environment, { runId: request.runId, to: request.to });
    const options = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined));
    return this.run(plan.subject, plan.target, { ...plan.inherited, ...options, environment, reason: 'rollback' });
  }

  /** Stops what ENV runs now (a local server): it is marked `stopped`, and ENV runs nothing. */
  async stop(environment: string): Promise<Deployment> {
    const current = await this.api.getDeployment(parseEnvironment(environment));
    if (current.target !== 'local') {
      throw invalidArgument(`${current.id} runs on the ${current.target} target: stop it there (threadline only stops the local servers it started)`);
    }
    const host = current.details.host;
    if (typeof host === 'string' && host !== os.hostname()) throw failedPrecondition(`${current.id} runs on host ${host}: stop it there`);
    await stopLocal(current);
    return this.api.updateDeployment(current.id, { status: 'stopped' });
  }

  list(environment?: string): Promise<Deployment[]> {
    return this.api.listDeployments(environment);
  }

  show(id: string): Promise<Deployment> {
    return this.api.getDeployment(id);
  }

  private async run(subject: DeploySubject, target: DeploymentTarget, request: TargetOptions & { environment: string; reason: DeploymentReason; actor?: string }): Promise<DeployResult> {
    const environment = request.environment;
    // Refusals that need no target record nothing; what the target itself does wrong is recorded `failed`.
    checkTarget(target, subject, request);
    const pending = await this.api.recordDeployment({
      environment,
      target,
      image: subject.imageReference,
      model: `${subject.modelName}/${subject.modelVersion}`,
      reason: request.reason,
      actor: request.actor || actorFromEnv(),
      status: 'pending',
    });
    const targetRequest: TargetRequest = {
      subject: { imageReference: pending.imageReference, modelName: pending.modelName, modelVersion: pending.modelVersion, runId: pending.runId, gitSha: pending.gitSha },
      deploymentId: pending.id,
      environment,
      sequence: pending.sequence,
      reason: request.reason,
      folder: path.join(this.home, 'deployments', environment, String(pending.sequence)),
      options: request,
    };
    // One port holds one server: a local server replaced on its own port stops first (the
    // environment serves nothing while the new one starts).
    const replacedFirst = await this.replacedOnSamePort(target, pending.replacedId, request.port);
    if (replacedFirst) await stopLocal(replacedFirst);
    let outcome: TargetOutcome;
    try {
      outcome = await targets[target](targetRequest);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.api.updateDeployment(pending.id, { status: 'failed', details: { error: message.split('\n')[0] } });
      throw error instanceof ThreadlineError ? error : new ThreadlineError('INTERNAL', `${pending.id} failed: ${message}`);
    }
    // The new server is healthy: the one it replaces stops (after, so the environment never has none).
    // A dry run replaces nothing.
    if (outcome.ok && pending.replacedId && !replacedFirst && outcome.details.dryRun !== true) {
      const replaced = await this.api.getDeployment(pending.replacedId);
      if (replaced.target === 'local') await stopLocal(replaced);
    }
    // The replaced server was stopped for a new one that did not come up: the ledger says so.
    if (!outcome.ok && replacedFirst) await this.api.updateDeployment(replacedFirst.id, { status: 'stopped' });
    const deployment = await this.api.updateDeployment(pending.id, { status: outcome.ok ? 'deployed' : 'failed', details: outcome.details });
    return { deployment, exitCode: outcome.ok ? 0 : (outcome.exitCode ?? 1) };
  }

  private async replacedOnSamePort(target: DeploymentTarget, replacedId: string | null, port: number | undefined): Promise<Deployment | undefined> {
    if (target !== 'local' || !replacedId || port === undefined) return undefined;
    const replaced = await this.api.getDeployment(replacedId);
    const details = replaced.details as { port?: unknown; host?: unknown };
    return replaced.target === 'local' && replaced.status === 'deployed' && details.port === port && details.host === os.hostname() ? replaced : undefined;
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

/** Only on the machine that started it: the pid must still run `serve … --deployment ID` here. */
async function stopLocal(deployment: Deployment): Promise<void> {
  const pid = deployment.details.pid;
  if (typeof pid === 'number') await stopServer(pid, deployment.id);
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
