import type { DeploymentDetails, DeploySubject } from './types.js';

/** What a target is handed for one deployment. */
export interface TargetRequest {
  subject: DeploySubject;
  deploymentId: string;
  environment: string;
  sequence: number;
  reason: string;
  /** `$THREADLINE_HOME/deployments/<env>/<N>`. */
  folder: string;
  options: TargetOptions;
}

export interface TargetOptions {
  dryRun?: boolean;
  kubeconfig?: string;
  namespace?: string;
  command?: string;
  env?: NodeJS.ProcessEnv;
  /** local: the port to serve on (default: a free one). */
  port?: number;
  /** local: how long the server may take to answer GET /health with 200. */
  healthTimeoutMs?: number;
}

export interface TargetOutcome {
  ok: boolean;
  details: DeploymentDetails;
  /** The exit status to hand on (a user command's own), when the target failed. */
  exitCode?: number;
}
