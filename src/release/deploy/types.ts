export const deploymentTargets = ['local', 'kubernetes', 'command'] as const;
export type DeploymentTarget = (typeof deploymentTargets)[number];
/**
 * `pending`: recorded, its target still running (on the client that deploys); never current.
 * `dry_run`: a `--dry-run` that wrote manifests and applied nothing: never current, replaces
 * nothing, and is not what the environment runs.
 */
export const deploymentStatuses = ['pending', 'deployed', 'failed', 'stopped', 'replaced', 'dry_run'] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];
export const deploymentReasons = ['deploy', 'rollback'] as const;
export type DeploymentReason = (typeof deploymentReasons)[number];

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

/** What `rollback` would put back on ENV, and how (the current deployment's target and options). */
export interface RollbackPlan {
  subject: DeploySubject;
  /** What ENV runs now, which the rollback replaces. */
  current: Deployment;
  target: DeploymentTarget;
  /** Target options the current deployment was made with, for the rollback to reuse. */
  inherited: { namespace?: string; command?: string; dryRun?: boolean };
}

/**
 * A deployment as reported to the record: by a client about to run (`pending`) or that ran the
 * target itself, or by a CD system afterwards (`deployed` / `failed`). The subject is exact: an
 * image (which names its model version), or a model version without an image.
 */
export interface RecordDeploymentInput {
  environment: string;
  target: DeploymentTarget;
  /** A recorded image `REPO@sha256:…`; the model version is the one it carries. */
  image?: string | null;
  /** `NAME/VERSION` (or `NAME@ALIAS`): alone, the version is deployed without an image. */
  model?: string;
  reason?: DeploymentReason;
  actor?: string;
  /** Default `deployed`. */
  status?: 'pending' | 'deployed' | 'failed';
  details?: DeploymentDetails;
}

/** A status change: a pending deployment finished (`deployed` / `failed`), or a deployed one `stopped`. */
export interface UpdateDeploymentInput {
  status: 'deployed' | 'failed' | 'stopped';
  details?: DeploymentDetails;
}

/**
 * Deployments as recorded: what `deploy`, `rollback` and `deployments` ask of the record, on the
 * store (embedded, and the server's routes) or over HTTP. Part of the ThreadlineApi contract.
 */
export interface DeploymentApi {
  /** What `deploy REF` would run: `MODEL@ALIAS` / `MODEL/VERSION` (its newest image, if any) or an image. */
  resolveDeploySubject(ref: string): Promise<DeploySubject>;
  /** What a rollback of ENV would put back: run RUN's image, what ENV#N ran, else what ran before. */
  planRollback(environment: string, by?: { runId?: string; to?: number }): Promise<RollbackPlan>;
  /** Records deployment ENV#N (numbered here); `pending` while the reporter runs the target. */
  recordDeployment(input: RecordDeploymentInput): Promise<Deployment>;
  /** Finishes a pending deployment, or marks a deployed one stopped. */
  updateDeployment(id: string, change: UpdateDeploymentInput): Promise<Deployment>;
  /** History, newest first (of one environment: NOT_FOUND when it never had one). */
  listDeployments(environment?: string): Promise<Deployment[]>;
  /** `ENV#N`, or `ENV` for what it runs now. */
  getDeployment(id: string): Promise<Deployment>;
}

/** Rolling back where the record is kept: the contract's part that runs a target, apart from the record itself. */
export interface RollbackApi {
  /**
   * Rolls ENV back where the record is kept (the server's machine, or here embedded): the plan of
   * `planRollback`, run on the current target. The new deployment, `failed` when the target failed.
   */
  rollback(environment: string, by?: { runId?: string; to?: number }): Promise<Deployment>;
}

