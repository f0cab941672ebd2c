export const deploymentTargets = ['local', 'kubernetes', 'command'] as const;
export type DeploymentTarget = (typeof deploymentTargets)[number];
export type DeploymentStatus = 'deployed' | 'failed' | 'stopped' | 'replaced';
export type DeploymentReason = 'deploy' | 'rollback';

/** What a deployment runs: a model version, and the image built from it when there is one. */
export interface DeploySubject {
  imageReference: string | null;
  modelName: string;
  modelVersion: number;
  runId: string | null;
  gitSha: string | null;
}

/** Target-specific facts: manifests path, kubectl/command exit code, the command, the error. */
export interface DeploymentDetails {
  manifestsPath?: string;
  namespace?: string;
  dryRun?: boolean;
  command?: string;
  exitCode?: number;
  error?: string;
  [key: string]: unknown;
}

/** Deployment `ENV#N`. */
export interface Deployment extends DeploySubject {
  id: string;
  environment: string;
  sequence: number;
  target: DeploymentTarget;
  actor: string;
  createdAt: number;
  status: DeploymentStatus;
  replacedId: string | null;
  reason: DeploymentReason;
  details: DeploymentDetails;
  /** Whether it is what the environment runs now (the newest `deployed` one). */
  current: boolean;
}

/** The table, as Kysely sees it (kept beside the domain and added with `withTables`). */
export interface DeploymentsTable {
  id: string;
  environment: string;
  sequence: number;
  image_reference: string | null;
  model_name: string;
  model_version: number;
  run_id: string | null;
  git_sha: string | null;
  target: string;
  actor: string;
  created_at: number;
  status: string;
  replaced_id: string | null;
  reason: string;
  details: string;
}

export type DeploymentTables = { deployments: DeploymentsTable };
